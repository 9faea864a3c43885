/* cheatdeck quiz: keyboard-driven flashcards over one sheet or section. Card data comes from
   quiz-data.js (window.cheatdeckQuiz); questions and answers are the build's sanitized HTML.
   Keys: Space/Enter reveal (then next), → or j next, ← or k back, s shuffle.
   Spaced repetition lives in study.js (window.cheatdeckStudy, loaded before this file): it gets
   the `view` below once, picks the cards each deck shows, adds its grade actions and keys, and
   hears of every card shown. Without it the quiz flips through every card. */
(function () {
  "use strict";

  var root = document.getElementById("cd-quiz");
  var data = window.cheatdeckQuiz;
  if (!root || !data) return;

  var scope = document.getElementById("cd-quiz-scope");
  var count = document.getElementById("cd-quiz-count");
  var where = document.getElementById("cd-quiz-where");
  var question = document.getElementById("cd-quiz-question");
  var answer = document.getElementById("cd-quiz-answer");
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

  function show() {
    var card = state.cards[state.index];
    count.textContent = (state.cards.length ? state.index + 1 : 0) + " / " + state.cards.length;
    answer.hidden = !state.revealed;
    root.classList.toggle("cd-quiz--revealed", state.revealed);
    if (!card) {
      where.textContent = "";
      question.textContent = "No cards in this deck.";
      answer.textContent = "";
      return view.shown(card);
    }
    where.textContent = card.where;
    question.innerHTML = card.q;
    answer.innerHTML = card.a;
    var link = document.createElement("a");
    link.href = card.href;
    link.className = "cd-quiz__source";
    link.textContent = "Open on its page";
    answer.appendChild(link);
    view.shown(card);
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
      state.revealed = true;
      show();
    },
    next: function () {
      if (state.index < state.cards.length - 1) state.index += 1;
      state.revealed = false;
      show();
    },
    back: function () {
      if (state.index > 0) state.index -= 1;
      state.revealed = false;
      show();
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
    }
  };

  var keys = { " ": "reveal", Enter: "reveal", ArrowRight: "next", j: "next", ArrowLeft: "back", k: "back", s: "shuffle" };

  function onKey(event) {
    var action = keys[event.key];
    if (!action || event.ctrlKey || event.metaKey || event.altKey) return;
    var target = event.target;
    if (target.closest && target.closest("input, textarea, select, [contenteditable]")) return;
    // A focused button handles Space/Enter itself (as a click).
    if (target.closest && target.closest("button") && action === "reveal") return;
    event.preventDefault();
    // Registered on window in the capture phase: stop Material's own shortcuts ("s" opens search).
    event.stopPropagation();
    actions[action]();
  }

  var view = {
    root: root, state: state, actions: actions, keys: keys, decks: decks, scope: scope,
    deck: function (cards) { return cards.slice(); },
    shown: function () {},
    reload: function () { choose(scope.value); }
  };
  buildDecks();
  if (window.cheatdeckStudy) window.cheatdeckStudy.attach(view);
  root.addEventListener("click", function (event) {
    var button = event.target.closest("[data-quiz]");
    if (button) actions[button.getAttribute("data-quiz")]();
  });
  scope.addEventListener("change", function () {
    history.replaceState(null, "", "#" + scope.value);
    choose(scope.value);
  });
  window.addEventListener("keydown", onKey, true);
  window.addEventListener("hashchange", function () {
    choose(decodeURIComponent(window.location.hash.slice(1)));
  });
  choose(decodeURIComponent(window.location.hash.slice(1)));
})();
