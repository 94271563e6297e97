/* learnloop cmi5 reporter: reads the launch parameters, fetches the auth token, reads
   LMS.LaunchData, and sends the cmi5-defined statements (initialized, completed, passed or
   failed, terminated) to the LRS with the LMS's context template. */
(function () {
  "use strict";
  var VERSION = "1.0.3";
  var VERBS = {
    initialized: "http://adlnet.gov/expapi/verbs/initialized",
    completed: "http://adlnet.gov/expapi/verbs/completed",
    passed: "http://adlnet.gov/expapi/verbs/passed",
    failed: "http://adlnet.gov/expapi/verbs/failed",
    terminated: "http://adlnet.gov/expapi/verbs/terminated"
  };
  var CMI5 = "https://w3id.org/xapi/cmi5/context/categories/cmi5";
  var MOVE_ON = "https://w3id.org/xapi/cmi5/context/categories/moveon";
  var SESSION = "https://w3id.org/xapi/cmi5/context/extensions/sessionid";
  var MASTERY = "https://w3id.org/xapi/cmi5/context/extensions/masteryscore";

  var status = document.getElementById("lms-status");
  function say(text) { if (status) { status.textContent = text; } }

  var params = new URLSearchParams(window.location.search);
  var endpoint = params.get("endpoint");
  var fetchUrl = params.get("fetch");
  var actorText = params.get("actor");
  var registration = params.get("registration");
  var activityId = params.get("activityId");
  if (!endpoint || !fetchUrl || !actorText || !registration || !activityId) {
    say("Not launched by a learning platform (cmi5 launch parameters missing): " +
        "your progress is not recorded.");
    return;
  }
  if (endpoint.slice(-1) !== "/") { endpoint += "/"; }
  var actor = JSON.parse(actorText);
  var started = Date.now();
  var token = null;
  var template = {};
  var masteryScore = null;
  var launchMode = "Normal";
  var returnURL = null;
  var hasCheck = parseInt(document.body.dataset.questions, 10) > 0;
  var sent = { completed: false, passed: false, terminated: false };

  function uuid() {
    if (window.crypto && window.crypto.randomUUID) { return window.crypto.randomUUID(); }
    return "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx".replace(/[xy]/g, function (c) {
      var r = Math.random() * 16 | 0;
      return (c === "x" ? r : (r & 0x3 | 0x8)).toString(16);
    });
  }
  function duration() {
    return "PT" + (Math.max(0, Date.now() - started) / 1000).toFixed(2) + "S";
  }
  function headers(json) {
    var found = { "Authorization": "Basic " + token, "X-Experience-API-Version": VERSION };
    if (json) { found["Content-Type"] = "application/json"; }
    return found;
  }

  function statement(verb, result, moveOn) {
    var context = JSON.parse(JSON.stringify(template || {}));
    context.registration = registration;
    context.contextActivities = context.contextActivities || {};
    var categories = context.contextActivities.category || [];
    var ids = categories.map(function (item) { return item.id; });
    if (ids.indexOf(CMI5) < 0) { categories.push({ id: CMI5, objectType: "Activity" }); }
    if (moveOn && ids.indexOf(MOVE_ON) < 0) {
      categories.push({ id: MOVE_ON, objectType: "Activity" });
    }
    context.contextActivities.category = categories;
    context.extensions = context.extensions || {};
    if ((verb === "passed" || verb === "failed") && masteryScore !== null) {
      context.extensions[MASTERY] = masteryScore;
    }
    var made = {
      id: uuid(), actor: actor, timestamp: new Date().toISOString(),
      verb: { id: VERBS[verb], display: { "en-US": verb } },
      object: { id: activityId, objectType: "Activity" }, context: context
    };
    if (result) { made.result = result; }
    return made;
  }

  var queue = Promise.resolve();  // statements leave in the order they happen
  function send(verb, result, moveOn, keepalive) {
    queue = queue.then(function () {
      return fetch(endpoint + "statements", {
        method: "POST", headers: headers(true), keepalive: !!keepalive,
        body: JSON.stringify(statement(verb, result, moveOn))
      }).then(function (response) {
        if (!response.ok) { throw new Error("the LRS answered " + response.status); }
      });
    }).catch(function (error) { say("Your progress could not be recorded: " + error.message); });
    return queue;
  }

  var ready = fetch(fetchUrl, { method: "POST" })
    .then(function (response) {
      if (!response.ok) { throw new Error("the token fetch answered " + response.status); }
      return response.json();
    })
    .then(function (body) {
      token = body["auth-token"];
      var query = new URLSearchParams({
        stateId: "LMS.LaunchData", activityId: activityId, agent: JSON.stringify(actor),
        registration: registration
      });
      return fetch(endpoint + "activities/state?" + query.toString(), { headers: headers(false) });
    })
    .then(function (response) {
      if (!response.ok) { throw new Error("LMS.LaunchData answered " + response.status); }
      return response.json();
    })
    .then(function (data) {
      template = data.contextTemplate || {};
      if (typeof data.masteryScore === "number") { masteryScore = data.masteryScore; }
      launchMode = data.launchMode || "Normal";
      returnURL = data.returnURL || null;
      return send("initialized", null, false);
    })
    .then(function () { say("Connected: your progress is recorded."); });
  ready.catch(function (error) { say("Your progress is not recorded: " + error.message); });

  function judged() { return launchMode === "Normal"; }  // Browse and Review record no results

  document.addEventListener("learnloop:checked", function (event) {
    var result = event.detail;
    ready.then(function () {
      if (!judged() || sent.terminated) { return; }
      var passing = masteryScore !== null ? masteryScore : parseFloat(document.body.dataset.mastery);
      if (!sent.completed) {
        sent.completed = true;
        send("completed", { completion: true, duration: duration() }, true);
      }
      if (sent.passed) { return; }
      var passed = result.scaled >= passing;
      if (passed) { sent.passed = true; }
      send(passed ? "passed" : "failed", {
        success: passed, duration: duration(),
        score: { scaled: Math.round(result.scaled * 10000) / 10000, raw: result.correct,
                 min: 0, max: result.total }
      }, true);
      say("Your score has been recorded.");
    });
  });

  function finish(leaving) {
    ready.then(function () {
      if (sent.terminated) { return; }
      if (!hasCheck && judged() && !sent.completed) {
        sent.completed = true;
        send("completed", { completion: true, duration: duration() }, true, leaving);
      }
      sent.terminated = true;
      send("terminated", { duration: duration() }, false, leaving).then(function () {
        say("Your progress has been recorded. You may close this page.");
        if (returnURL && !leaving) { window.location.assign(returnURL); }
      });
    });
  }
  document.addEventListener("learnloop:finish", function () { finish(false); });
  window.addEventListener("pagehide", function () { finish(true); });
})();
