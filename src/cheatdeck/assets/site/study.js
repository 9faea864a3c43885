/* cheatdeck study: spaced repetition on the site, on this device only.

   Progress lives in localStorage under one key, as {format, version, settings, cards}; `cards`
   maps a card's study key (its note GUID, "<GUID>/<N>" for a fact table's Nth value: see
   quizdata.py) to its FSRS state. Keys the site no longer has (a retired note) stay stored and
   are simply never counted or shown. Scheduling is ts-fsrs (vendor/ts-fsrs, window.FSRS) with
   its defaults, which are Anki's: learning steps 1m 10m, relearning 10m, retention 0.9, fuzz.
   Days follow Anki: a day starts at 04:00 local time; reviews count as due for the whole day,
   learning cards when their time comes (or within Anki's 20-minute learn-ahead when nothing
   else is left). New cards come in source order, up to a daily limit the learner sets.

   Pages: elements `.cd-due[data-cd-scope]` (home, section pages) get the scope's counts, from
   window.cheatdeckCards (study-index.js). On the quiz page quiz.js calls attach(view). */
(function () {
  "use strict";

  var STORE_KEY = "cheatdeck-study";
  var FORMAT = "cheatdeck-progress";
  var VERSION = 1;
  var DAY_STARTS_AT = 4;                // hour; Anki's "next day starts at"
  var LEARN_AHEAD = 20 * 60 * 1000;     // ms; Anki's learn-ahead limit
  var DEFAULT_NEW_PER_DAY = 20;         // Anki's default new cards/day
  var MAX_NEW_PER_DAY = 9999;
  var GRADES = { again: 1, hard: 2, good: 3, easy: 4 };
  var DATE_FIELDS = ["due", "last_review", "first"];
  var NUMBER_FIELDS = ["stability", "difficulty", "elapsed_days", "scheduled_days", "learning_steps",
                       "reps", "lapses", "state"];

  /* ---- the store: load, validate, save ---- */

  function emptyStore() {
    return { format: FORMAT, version: VERSION, settings: { newPerDay: DEFAULT_NEW_PER_DAY }, cards: {} };
  }

  // Returns an error message for a record that is not a card's FSRS state, else "".
  function recordError(record) {
    if (!record || typeof record !== "object") return "not an object";
    for (var i = 0; i < NUMBER_FIELDS.length; i += 1) {
      var value = record[NUMBER_FIELDS[i]];
      if (typeof value !== "number" || !isFinite(value) || value < 0) return NUMBER_FIELDS[i] + " is not a number ≥ 0";
    }
    if ([0, 1, 2, 3].indexOf(record.state) < 0) return "state is not 0–3";
    for (var j = 0; j < DATE_FIELDS.length; j += 1) {
      var text = record[DATE_FIELDS[j]];
      if (typeof text !== "string" || isNaN(Date.parse(text))) return DATE_FIELDS[j] + " is not a date";
    }
    return "";
  }

  // Parses a progress document (a stored or imported one). Throws Error with a message.
  function parseStore(text) {
    var data = JSON.parse(text);
    if (!data || data.format !== FORMAT) throw new Error("not a cheatdeck progress file");
    if (data.version !== VERSION) throw new Error("progress format version " + data.version + " is not " + VERSION);
    if (!data.cards || typeof data.cards !== "object" || Array.isArray(data.cards)) throw new Error("no cards object");
    var store = emptyStore();
    var limit = data.settings && data.settings.newPerDay;
    if (typeof limit === "number" && limit >= 0 && limit <= MAX_NEW_PER_DAY) store.settings.newPerDay = Math.floor(limit);
    Object.keys(data.cards).forEach(function (key) {
      var error = recordError(data.cards[key]);
      if (error) throw new Error("card " + key + ": " + error);
      var record = {};
      NUMBER_FIELDS.concat(DATE_FIELDS).forEach(function (name) { record[name] = data.cards[key][name]; });
      store.cards[key] = record;
    });
    return store;
  }

  function openStorage() {
    try {
      var storage = window.localStorage;
      storage.getItem(STORE_KEY);
      return storage;
    } catch (error) {
      return null;  // storage disabled (a privacy setting): study works, nothing is kept
    }
  }

  var storage = openStorage();
  var loadProblem = storage ? "" : "This browser keeps no site data: progress is lost when the page closes.";

  function load() {
    var text = storage && storage.getItem(STORE_KEY);
    if (!text) return emptyStore();
    try {
      return parseStore(text);
    } catch (error) {
      // Never drop a learner's data silently: keep the unreadable copy beside the fresh store.
      storage.setItem(STORE_KEY + "-unreadable", text);
      loadProblem = "Saved progress could not be read (" + error.message + "); it was kept as " +
        STORE_KEY + "-unreadable in this browser's storage and study starts afresh.";
      return emptyStore();
    }
  }

  var store = load();

  function save() {
    if (!storage) return;
    try {
      storage.setItem(STORE_KEY, JSON.stringify(store));
    } catch (error) {
      loadProblem = "Progress could not be saved: " + error.message;
    }
  }

  /* ---- days and counts ---- */

  // Start of the study day holding `now` (04:00 local; before 04:00 it is still yesterday).
  function dayStart(now) {
    var start = new Date(now.getTime());
    start.setHours(DAY_STARTS_AT, 0, 0, 0);
    if (start > now) start.setDate(start.getDate() - 1);
    return start;
  }

  function nextDay(now) {
    var next = dayStart(now);
    next.setDate(next.getDate() + 1);  // setDate, not +24 h: a DST day is 23 or 25 hours
    return next;
  }

  function newStudiedToday(now) {
    var start = dayStart(now).getTime();
    var keys = Object.keys(store.cards);
    var count = 0;
    for (var i = 0; i < keys.length; i += 1) {
      if (Date.parse(store.cards[keys[i]].first) >= start) count += 1;
    }
    return count;
  }

  // What every plan at `now` shares, worked out once: a page plans one deck per section.
  function today(now) {
    return {
      time: now.getTime(),
      end: nextDay(now).getTime(),
      allowance: Math.max(0, store.settings.newPerDay - newStudiedToday(now))
    };
  }

  // Splits `keys` (one scope, source order) into what today holds. Returns
  // {ready: [keys to show now, in order], waiting: [learning keys due later today],
  //  due: count, fresh: count of new cards allowed today, left: due + fresh, later: [the rest]}.
  function plan(keys, day) {
    var end = day.end;
    var time = day.time;
    var allowance = day.allowance;
    var learningNow = [], reviews = [], learningSoon = [], waiting = [], fresh = [], unseen = [], later = [];
    keys.forEach(function (key) {
      var record = store.cards[key];
      if (!record) {
        (fresh.length < allowance ? fresh : unseen).push(key);
        return;
      }
      var due = Date.parse(record.due);
      if (due >= end) later.push(key);
      else if (record.state === 2) reviews.push(key);
      else if (due <= time) learningNow.push(key);
      else if (due <= time + LEARN_AHEAD) learningSoon.push(key);
      else waiting.push(key);
    });
    var byDue = function (a, b) { return Date.parse(store.cards[a].due) - Date.parse(store.cards[b].due); };
    learningNow.sort(byDue);
    reviews.sort(byDue);
    learningSoon.sort(byDue);
    later.sort(byDue);
    var due = learningNow.length + reviews.length + learningSoon.length + waiting.length;
    return {
      ready: learningNow.concat(reviews, fresh, learningSoon),
      waiting: waiting.sort(byDue),
      due: due,
      fresh: fresh.length,
      left: due + fresh.length,
      ahead: later.concat(unseen)
    };
  }

  /* ---- scheduling (ts-fsrs) ---- */

  var scheduler = null;

  function fsrs() {
    if (!scheduler) scheduler = window.FSRS.fsrs(window.FSRS.generatorParameters({ enable_fuzz: true }));
    return scheduler;
  }

  function toCard(record, now) {
    if (!record) return window.FSRS.createEmptyCard(now);
    var card = {};
    NUMBER_FIELDS.forEach(function (name) { card[name] = record[name]; });
    card.due = new Date(record.due);
    if (record.reps > 0) card.last_review = new Date(record.last_review);
    return card;
  }

  function toRecord(card, first) {
    var record = {};
    NUMBER_FIELDS.forEach(function (name) { record[name] = card[name]; });
    record.due = card.due.toISOString();
    record.last_review = card.last_review.toISOString();
    record.first = first;
    return record;
  }

  // Every grade's outcome for `key` at `now`: {1..4: Date due}.
  function preview(key, now) {
    var outcomes = fsrs().repeat(toCard(store.cards[key], now), now);
    var due = {};
    Object.keys(GRADES).forEach(function (name) { due[GRADES[name]] = outcomes[GRADES[name]].card.due; });
    return due;
  }

  function grade(key, rating, now) {
    var record = store.cards[key];
    var card = fsrs().next(toCard(record, now), now, rating).card;
    store.cards[key] = toRecord(card, record ? record.first : now.toISOString());
    save();
  }

  function interval(from, to) {
    var minutes = Math.max(0, (to.getTime() - from.getTime()) / 60000);
    if (minutes < 1) return "<1m";
    if (minutes < 60) return Math.round(minutes) + "m";
    if (minutes < 60 * 24) return Math.round(minutes / 60) + "h";
    var days = minutes / (60 * 24);
    if (days < 30) return Math.round(days) + "d";
    if (days < 365) return (days / 30).toFixed(1).replace(/\.0$/, "") + "mo";
    return (days / 365).toFixed(1).replace(/\.0$/, "") + "y";
  }

  /* ---- export, import, reset ---- */

  function exportText() {
    return JSON.stringify(store, null, 1) + "\n";
  }

  // Merges an exported file: per card, the record reviewed last wins (a tie keeps this one);
  // settings come from the file. Returns how many cards took the file's record.
  function importText(text) {
    var incoming = parseStore(text);
    var count = 0;
    Object.keys(incoming.cards).forEach(function (key) {
      var mine = store.cards[key];
      var theirs = incoming.cards[key];
      if (!mine || Date.parse(theirs.last_review) > Date.parse(mine.last_review)) {
        store.cards[key] = theirs;
        count += 1;
      }
    });
    store.settings = incoming.settings;
    save();
    return count;
  }

  function reset() {
    store = emptyStore();
    save();
  }

  function setNewPerDay(value) {
    var number = Math.floor(Number(value));
    if (!isFinite(number) || number < 0 || number > MAX_NEW_PER_DAY) return false;
    store.settings.newPerDay = number;
    save();
    return true;
  }

  /* ---- counts on any page ---- */

  function scopeKeys(index, scope) {
    var keys = [];
    Object.keys(index).forEach(function (id) {
      if (scope !== "" && id !== scope && id.indexOf(scope + "/") !== 0) return;
      for (var i = 0; i < index[id].length; i += 1) keys.push(index[id][i]);
    });
    return keys;
  }

  function setCount(element, counts) {
    element.setAttribute("data-cd-due", String(counts.left));
    element.setAttribute("data-cd-review", String(counts.due));
    element.setAttribute("data-cd-new", String(counts.fresh));
    element.textContent = counts.due + " due · " + counts.fresh + " new";
  }

  function showCounts(index) {
    var day = today(new Date());
    var elements = document.querySelectorAll(".cd-due[data-cd-scope]");
    for (var i = 0; i < elements.length; i += 1) {
      setCount(elements[i], plan(scopeKeys(index, elements[i].getAttribute("data-cd-scope")), day));
    }
    var wrappers = document.querySelectorAll(".cd-today");
    for (var j = 0; j < wrappers.length; j += 1) wrappers[j].hidden = false;
  }

  var api = {
    // plan(keys[, now]): what today holds for one deck (see plan above).
    plan: function (keys, now) { return plan(keys, today(now || new Date())); },
    // plans(decks[, now]): plan() of each array of keys in `decks`, sharing one day's context.
    plans: function (decks, now) {
      var day = today(now || new Date());
      return decks.map(function (keys) { return plan(keys, day); });
    },
    grade: function (key, rating, now) { grade(key, rating, now || new Date()); },
    exportText: exportText,
    importText: importText,
    reset: reset,
    setNewPerDay: setNewPerDay,
    attach: null,   // set by study-quiz.js on the quiz page, called by quiz.js
    onChange: null  // set by study-quiz.js: another tab changed the progress
  };
  api.internals = {
    store: function () { return store; },
    preview: preview,
    interval: interval,
    scopeKeys: scopeKeys,
    problem: function () { return loadProblem; }
  };
  window.cheatdeckStudy = api;

  if (window.cheatdeckCards) showCounts(window.cheatdeckCards);
  // Another tab studied: follow its progress.
  window.addEventListener("storage", function (event) {
    if (event.key !== STORE_KEY) return;
    store = load();
    if (window.cheatdeckCards) showCounts(window.cheatdeckCards);
    if (api.onChange) api.onChange();
  });
})();
