/* cheatdeck: open the answer of the question the URL points at (after a search jump or a
   link from Anki), and let a click on a question toggle its answer. No dependencies. */
(function () {
  "use strict";

  function answerOf(heading) {
    var next = heading && heading.nextElementSibling;
    return next && next.matches("details.cd-answer") ? next : null;
  }

  function openTarget() {
    var id = decodeURIComponent(window.location.hash.slice(1));
    if (!id) return;
    var target = document.getElementById(id);
    if (!target) return;
    var details = target.closest("details") || answerOf(target);
    if (details && !details.open) {
      details.open = true;
      target.scrollIntoView();
    }
  }

  function onQuestionClick(event) {
    // The permalink (¶) keeps its own behaviour; the hash change then opens the answer.
    if (event.target.closest("a")) return;
    var heading = event.target.closest(".cd-question");
    var details = answerOf(heading);
    if (details) details.open = !details.open;
  }

  document.addEventListener("click", onQuestionClick);
  window.addEventListener("hashchange", openTarget);
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", openTarget);
  } else {
    openTarget();
  }
})();
