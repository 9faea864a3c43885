/* cheatdeck study on the quiz page: the Study / Browse modes, the grade buttons (keys 1–4, as in
   Anki), the counts of what is left today, "study ahead", and the progress panel (daily new-card
   limit, export, import, reset). The store and scheduler are study.js's; quiz.js shows the cards
   and calls attach(view) once. In Study mode a deck shows what today holds for it (study.js
   plan()); grading re-plans, so a card graded Again comes back in the same sitting. While
   studying, the live region says the grade and what is left ("Good. 6 left today: <question>")
   or that the deck is done, and the focus goes to "Study ahead" or the done text when the card
   goes away. */
(function () {
  "use strict";

  var study = window.cheatdeckStudy;
  if (!study) return;
  var internals = study.internals;
  var MODE_KEY = "cheatdeck-quiz-mode";

  function byId(id) { return document.getElementById(id); }

  function readMode() {
    try {
      return window.localStorage.getItem(MODE_KEY) === "browse" ? "browse" : "study";
    } catch (error) {
      return "study";
    }
  }

  function saveMode(mode) {
    try {
      window.localStorage.setItem(MODE_KEY, mode);
    } catch (error) { /* storage disabled: the mode lasts for this page */ }
  }

  function localDate(date) {
    var pad = function (n) { return (n < 10 ? "0" : "") + n; };
    return date.getFullYear() + "-" + pad(date.getMonth() + 1) + "-" + pad(date.getDate());
  }

  study.attach = function (view) {
    var root = view.root;
    var state = view.state;
    var actions = view.actions;
    var mode = readMode();
    var ahead = false;       // studying ahead in the current deck
    var deckId = null;       // the deck view.deck() last planned
    var today = null;        // its plan
    var left = byId("cd-study-left");
    var status = byId("cd-study-status");
    var limit = byId("cd-study-limit");

    function say(text) { status.textContent = text; }

    view.deck = function (cards, id) {
      if (id !== deckId) ahead = false;
      deckId = id;
      if (mode === "browse") return cards.slice();
      var byKey = {};
      cards.forEach(function (card) { byKey[card.id] = card; });
      today = study.plan(cards.map(function (card) { return card.id; }));
      var keys = today.ready.length || !ahead ? today.ready : today.ahead;
      return keys.map(function (key) { return byKey[key]; });
    };

    function labelDecks() {
      var options = view.scope.options;
      var ids = [];
      for (var i = 0; i < options.length; i += 1) ids.push(options[i].value);
      var plans = mode === "browse" ? [] : study.plans(ids.map(function (id) {
        return (view.decks[id] || []).map(function (card) { return card.id; });
      }));
      for (var j = 0; j < options.length; j += 1) {
        var label = options[j].getAttribute("data-label");
        options[j].textContent = mode === "browse"
          ? label + " (" + (view.decks[ids[j]] || []).length + ")"
          : label + " (" + plans[j].left + " today)";
      }
    }

    function showDone() {
      var text;
      if (today.waiting.length) {
        var next = new Date(internals.store().cards[today.waiting[0]].due);
        text = "Nothing else to study right now: " + today.waiting.length + " card" +
          (today.waiting.length === 1 ? "" : "s") + " still being learned today, the next in " +
          internals.interval(new Date(), next) + ".";
      } else if (ahead) {
        text = "You studied every card of this deck.";
      } else {
        text = "Nothing left to study today in this deck.";
      }
      byId("cd-study-done-text").textContent = text;
      byId("cd-study-ahead").hidden = ahead || !today.ahead.length;
    }

    var describeCard = view.describe;
    view.describe = function (prefix) {
      if (mode === "browse") return describeCard(prefix);
      var card = state.cards[state.index];
      if (!card) return view.announce(prefix + byId("cd-study-done-text").textContent);
      var text = view.spoken(byId("cd-quiz-question"));
      if (today.ready.indexOf(card.id) < 0) return view.announce(prefix + "Studying ahead: " + text);
      view.announce(prefix + today.left + " left today: " + text);
    };
    view.fallbackFocus = function () {
      var ahead = byId("cd-study-ahead");
      return ahead.getClientRects().length ? ahead : byId("cd-study-done-text");
    };

    view.shown = function (card) {
      var studying = mode === "study";
      root.classList.toggle("cd-quiz--study", studying);
      var buttons = document.querySelectorAll("[data-study-mode]");
      for (var i = 0; i < buttons.length; i += 1) {
        buttons[i].setAttribute("aria-pressed", String(buttons[i].getAttribute("data-study-mode") === mode));
      }
      labelDecks();
      byId("cd-study-today").hidden = !studying;
      byId("cd-study-done").hidden = !studying || !!card;
      byId("cd-quiz-card").hidden = studying && !card;
      byId("cd-study-grades").hidden = !studying || !card || !state.revealed;
      if (!studying) return;
      left.textContent = String(today.left);
      left.setAttribute("data-cd-due", String(today.left));
      byId("cd-study-due").textContent = String(today.due);
      byId("cd-study-new").textContent = String(today.fresh);
      byId("cd-study-ahead-note").hidden = !(ahead && card && today.ready.indexOf(card.id) < 0);
      if (!card) return showDone();
      if (state.revealed) {
        var now = new Date();
        var due = internals.preview(card.id, now);
        var spans = document.querySelectorAll("[data-cd-interval]");
        for (var j = 0; j < spans.length; j += 1) {
          spans[j].textContent = internals.interval(now, due[spans[j].getAttribute("data-cd-interval")]);
        }
      }
    };

    // Browsing moves: not while studying (the schedule picks the next card).
    ["next", "back", "shuffle"].forEach(function (name) {
      var browse = actions[name];
      actions[name] = function () { if (mode === "browse") browse(); };
    });
    [["again", 1, "1"], ["hard", 2, "2"], ["good", 3, "3"], ["easy", 4, "4"]].forEach(function (grade) {
      actions[grade[0]] = function () {
        var card = state.cards[state.index];
        if (mode !== "study" || !state.revealed || !card) return;
        study.grade(card.id, grade[1]);
        view.reload();
        view.describe(grade[0].charAt(0).toUpperCase() + grade[0].slice(1) + ". ");
      };
      view.keys[grade[2]] = grade[0];
    });

    function setMode(next) {
      mode = next;
      saveMode(mode);
      view.reload();
      view.describe(mode === "browse" ? "Browsing every card. " : "Studying. ");
    }

    root.addEventListener("click", function (event) {
      var button = event.target.closest("[data-study-mode]");
      if (button) setMode(button.getAttribute("data-study-mode"));
    });
    byId("cd-study-ahead").addEventListener("click", function () {
      ahead = true;
      view.reload();
      view.describe("");
      byId("cd-quiz-card").focus({ preventScroll: true });  // the button is gone
    });

    limit.value = String(internals.store().settings.newPerDay);
    limit.addEventListener("change", function () {
      if (study.setNewPerDay(limit.value)) {
        say("New cards per day: " + internals.store().settings.newPerDay + ".");
        view.reload();
      } else {
        say("New cards per day must be a whole number from 0 to 9999.");
        limit.value = String(internals.store().settings.newPerDay);
      }
    });

    byId("cd-study-export").addEventListener("click", function () {
      var blob = new Blob([study.exportText()], { type: "application/json" });
      var link = document.createElement("a");
      link.href = URL.createObjectURL(blob);
      link.download = "cheatdeck-progress-" + localDate(new Date()) + ".json";
      document.body.appendChild(link);
      link.click();
      link.remove();
      setTimeout(function () { URL.revokeObjectURL(link.href); }, 0);
      say("Exported the progress of " + Object.keys(internals.store().cards).length + " cards.");
    });

    byId("cd-study-import").addEventListener("change", function (event) {
      var file = event.target.files && event.target.files[0];
      if (!file) return;
      var reader = new FileReader();
      reader.onload = function () {
        try {
          var count = study.importText(String(reader.result));
          say("Imported " + file.name + ": " + count + " card" + (count === 1 ? "" : "s") + " updated.");
          limit.value = String(internals.store().settings.newPerDay);
          view.reload();
        } catch (error) {
          say("Could not import " + file.name + ": " + error.message + ". Nothing was changed.");
        }
        event.target.value = "";
      };
      reader.onerror = function () { say("Could not read " + file.name + "."); };
      reader.readAsText(file);
    });

    var confirmBox = byId("cd-study-reset-confirm");
    byId("cd-study-reset").addEventListener("click", function () { confirmBox.hidden = false; });
    byId("cd-study-reset-no").addEventListener("click", function () { confirmBox.hidden = true; });
    byId("cd-study-reset-yes").addEventListener("click", function () {
      study.reset();
      confirmBox.hidden = true;
      limit.value = String(internals.store().settings.newPerDay);
      say("Progress erased: every card is new again.");
      view.reload();
    });

    study.onChange = function () { view.reload(); };
    byId("cd-study-modes").hidden = false;
    byId("cd-study-progress").hidden = false;
    if (internals.problem()) say(internals.problem());
  };
})();
