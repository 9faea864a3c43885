/* cheatdeck quiz: flashcards over one sheet or section, by keyboard, mouse or screen reader.
   Card data comes from quiz-data.js (window.cheatdeckQuiz); questions and answers are the
   build's sanitized HTML.
   Keys act only while the focus is in the quiz, never on a link, a form field, an answer
   toggle or the progress panel (WCAG 2.1.1), and no key of the theme is taken ("s", "f", "/"
   still open the search): Space/Enter on the card reveal (then next); → next, ← back; the
   single-key shortcuts (j next, k back, and study.js's 1–4) can be turned off (WCAG 2.1.4,
   remembered on this device). A polite live region says the card after next/back/shuffle and
   the answer on reveal (WCAG 4.1.3).
   Spaced repetition lives in study-quiz.js (window.cheatdeckStudy, loaded before this file): it
   gets the `view` below once, picks the cards each deck shows, adds its grade actions and keys,
   says what is left, and hears of every card shown. Without it the quiz flips through every card. */
(function () {
  "use strict";

  var root = document.getElementById("cd-quiz");
  var data = window.cheatdeckQuiz;
  if (!root || !data) return;

  var SHORTCUTS_KEY = "cheatdeck-quiz-shortcuts";
  var scope = document.getElementById("cd-quiz-scope");
  var count = document.getElementById("cd-quiz-count");
  var card = document.getElementById("cd-quiz-card");
  var where = document.getElementById("cd-quiz-where");
  var question = document.getElementById("cd-quiz-question");
  var answer = document.getElementById("cd-quiz-answer");
  var status = document.getElementById("cd-quiz-status");
  var shortcuts = document.getElementById("cd-quiz-shortcuts");
  var decks = {};
  var state = { cards: [], index: 0, revealed: false };

  function addDeck(parent, id, label, cards) {
    decks[id] = cards;
    var option = document.createElement("option");
    option.value = id;
    option.setAttribute("data-label", label);
    option.textContent = label + " (" + cards.length + ")";
    parent.appendChild(option);
  }

  function buildDecks() {
    var all = [];
    var sheets = data.sheets.map(function (sheet) {
      var sections = sheet.sections.map(function (section) {
        var where = sheet.title + " › " + section.title;
        return {
          id: sheet.slug + "/" + section.slug,
          label: (section.emoji ? section.emoji + " " : "") + section.title,
          cards: section.cards.map(function (card) {
            return { q: card.q, a: card.a, href: card.href, id: card.id, where: where };
          })
        };
      });
      var cards = [].concat.apply([], sections.map(function (section) { return section.cards; }));
      all = all.concat(cards);
      return { sheet: sheet, cards: cards, sections: sections };
    });
    if (sheets.length > 1) addDeck(scope, "", "All sheets", all);
    sheets.forEach(function (entry) {
      var group = document.createElement("optgroup");
      group.label = entry.sheet.title;
      addDeck(group, entry.sheet.slug, "All sections", entry.cards);
      entry.sections.forEach(function (section) {
        addDeck(group, section.id, section.label, section.cards);
      });
      scope.appendChild(group);
    });
  }

  /* What a screen reader should hear of an element: its visible text, each formula once (its
     readable text, not the letters of its MathML tree), without the "Open on its page" link. */
  function spoken(element) {
    var copy = element.cloneNode(true);
    copy.querySelectorAll("math, .cd-quiz__source").forEach(function (node) { node.remove(); });
    return copy.textContent.replace(/\s+/g, " ").trim();
  }

  function announce(text) {
    status.textContent = text;
  }

  function show() {
    var current = state.cards[state.index];
    count.textContent = (state.cards.length ? state.index + 1 : 0) + " / " + state.cards.length;
    answer.hidden = !state.revealed;
    root.classList.toggle("cd-quiz--revealed", state.revealed);
    if (!current) {
      where.textContent = "";
      question.textContent = "No cards in this deck.";
      answer.textContent = "";
      return view.shown(current);
    }
    where.textContent = current.where;
    question.innerHTML = current.q;
    answer.innerHTML = current.a;
    var link = document.createElement("a");
    link.href = current.href;
    link.className = "cd-quiz__source";
    link.textContent = "Open on its page";
    answer.appendChild(link);
    view.shown(current);
  }

  function choose(id) {
    if (!(id in decks)) id = scope.options.length ? scope.options[0].value : "";
    scope.value = id;
    state.cards = view.deck(decks[id] || [], id);
    state.index = 0;
    state.revealed = false;
    show();
  }

  var actions = {
    reveal: function () {
      if (state.revealed) return actions.next();
      if (!state.cards.length) return;
      state.revealed = true;
      show();
      announce("Answer: " + spoken(answer));
    },
    next: function () {
      if (state.index < state.cards.length - 1) state.index += 1;
      state.revealed = false;
      show();
      view.describe("");
    },
    back: function () {
      if (state.index > 0) state.index -= 1;
      state.revealed = false;
      show();
      view.describe("");
    },
    shuffle: function () {
      for (var i = state.cards.length - 1; i > 0; i -= 1) {
        var j = Math.floor(Math.random() * (i + 1));
        var swap = state.cards[i];
        state.cards[i] = state.cards[j];
        state.cards[j] = swap;
      }
      state.index = 0;
      state.revealed = false;
      show();
      view.describe("Shuffled. ");
    }
  };

  var cardKeys = { " ": "reveal", Enter: "reveal" };          // on the card itself
  var arrowKeys = { ArrowRight: "next", ArrowLeft: "back" };
  var singleKeys = { j: "next", k: "back" };                  // character keys: can be turned off

  /* The quiz's action for a key, or null when the key is not the quiz's: focus outside the quiz,
     on a link, a field, the deck selector, a toggle or the progress panel (they keep their keys),
     or Space/Enter anywhere but on the card (a focused button clicks itself). */
  function actionFor(event) {
    if (event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented) return null;
    var target = event.target;
    if (!target.closest || !root.contains(target)) return null;
    if (target.closest("a, input, textarea, select, summary, label, [contenteditable], .cd-study__progress")) {
      return null;
    }
    if (cardKeys[event.key]) return card.contains(target) ? cardKeys[event.key] : null;
    if (arrowKeys[event.key]) return arrowKeys[event.key];
    if (shortcuts.checked && !event.shiftKey && singleKeys[event.key]) return singleKeys[event.key];
    return null;
  }

  function visible(element) {
    return !!element && element.getClientRects().length > 0;
  }

  /* After an action the focused control may have been hidden (a grade button, Reveal while
     studying, "Study ahead"): the focus goes to the card, or what stands in its place. */
  function keepFocus() {
    var focused = document.activeElement;
    if (focused && focused !== document.body && visible(focused)) return;
    var target = visible(card) ? card : view.fallbackFocus();
    if (target) target.focus({ preventScroll: true });
  }

  function run(action) {
    actions[action]();
    keepFocus();
  }

  function readShortcuts() {
    try {
      return window.localStorage.getItem(SHORTCUTS_KEY) !== "off";
    } catch (error) {
      return true;
    }
  }

  var view = {
    root: root, state: state, actions: actions, keys: singleKeys, decks: decks, scope: scope,
    deck: function (cards) { return cards.slice(); },
    shown: function () {},
    /* Announce the shown card: "<prefix>Card 2 of 7: <question>" (study-quiz.js says what is
       left today instead while studying). */
    describe: function (prefix) {
      if (!state.cards.length) return announce(prefix + "No cards in this deck.");
      announce(prefix + "Card " + (state.index + 1) + " of " + state.cards.length + ": " +
               spoken(question));
    },
    fallbackFocus: function () { return null; },
    announce: announce,
    spoken: spoken,
    reload: function () { choose(scope.value); }
  };
  buildDecks();
  if (window.cheatdeckStudy) window.cheatdeckStudy.attach(view);
  shortcuts.checked = readShortcuts();
  shortcuts.addEventListener("change", function () {
    try {
      window.localStorage.setItem(SHORTCUTS_KEY, shortcuts.checked ? "on" : "off");
    } catch (error) { /* storage disabled: the choice lasts for this page */ }
  });
  root.addEventListener("click", function (event) {
    var button = event.target.closest("[data-quiz]");
    if (button) run(button.getAttribute("data-quiz"));
  });
  root.addEventListener("keydown", function (event) {
    var action = actionFor(event);
    if (!action) return;
    event.preventDefault();
    run(action);
  });
  scope.addEventListener("change", function () {
    history.replaceState(null, "", "#" + scope.value);
    choose(scope.value);
    view.describe("");
  });
  window.addEventListener("hashchange", function () {
    choose(decodeURIComponent(window.location.hash.slice(1)));
    view.describe("");
  });
  choose(decodeURIComponent(window.location.hash.slice(1)));
  // The page is the quiz: its card takes the focus, so the keys work at once.
  if (visible(card)) card.focus({ preventScroll: true });
})();
