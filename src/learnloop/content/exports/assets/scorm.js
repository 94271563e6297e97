/* learnloop SCORM 2004 (4th edition) reporter: finds the LMS's API_1484_11, starts the
   session, reports completion, success and score when the knowledge check is answered, and
   ends the session when the learner finishes or leaves. */
(function () {
  "use strict";
  var status = document.getElementById("lms-status");
  function say(text) { if (status) { status.textContent = text; } }

  // the discovery algorithm of the SCORM 2004 run-time: walk up the parents, then the opener's
  function search(win) {
    var hops = 0;
    while (win && hops < 500) {
      try {
        if (win.API_1484_11) { return win.API_1484_11; }
      } catch (error) { return null; }  // a frame of another origin: no API reachable there
      if (!win.parent || win.parent === win) { break; }
      win = win.parent;
      hops += 1;
    }
    return null;
  }
  function findApi() {
    var api = search(window);
    if (!api && window.opener) { api = search(window.opener); }
    if (!api && window.top && window.top.opener) { api = search(window.top.opener); }
    return api;
  }

  var api = findApi();
  if (!api) { say("No SCORM runtime found: your progress is not recorded."); return; }
  if (String(api.Initialize("")) !== "true") {
    say("The learning platform refused to start the session (error " + api.GetLastError() + ").");
    return;
  }
  var open = true;
  var started = Date.now();
  var hasCheck = parseInt(document.body.dataset.questions, 10) > 0;
  if (api.GetValue("cmi.completion_status") !== "completed") {
    api.SetValue("cmi.completion_status", "incomplete");
  }
  api.Commit("");
  // the LMS's passing score (from the manifest) wins over the page's own
  var passing = parseFloat(api.GetValue("cmi.scaled_passing_score"));
  if (isNaN(passing)) { passing = parseFloat(document.body.dataset.mastery); }
  say("Connected: your progress is recorded.");

  function rounded(value) { return String(Math.round(value * 10000) / 10000); }

  document.addEventListener("learnloop:checked", function (event) {
    if (!open) { return; }
    var result = event.detail;
    api.SetValue("cmi.score.min", "0");
    api.SetValue("cmi.score.max", String(result.total));
    api.SetValue("cmi.score.raw", String(result.correct));
    api.SetValue("cmi.score.scaled", rounded(result.scaled));
    api.SetValue("cmi.success_status", result.scaled >= passing ? "passed" : "failed");
    api.SetValue("cmi.completion_status", "completed");
    api.Commit("");
    say("Your score has been recorded.");
  });

  function finish() {
    if (!open) { return; }
    open = false;
    if (!hasCheck) { api.SetValue("cmi.completion_status", "completed"); }
    var seconds = Math.max(0, Math.round((Date.now() - started) / 1000));
    api.SetValue("cmi.session_time", "PT" + seconds + "S");
    api.SetValue("cmi.exit", "normal");
    api.Commit("");
    api.Terminate("");
    say("Your progress has been recorded. You may close this page.");
  }
  document.addEventListener("learnloop:finish", finish);
  window.addEventListener("pagehide", finish);
})();
