/* learnloop knowledge check: marks the answers, shows each rationale with its source, and
   announces the score as the "learnloop:checked" event that an LMS reporter listens for. */
(function () {
  "use strict";
  var button = document.getElementById("check-answers");
  var finish = document.getElementById("finish");
  if (finish) {
    finish.addEventListener("click", function () {
      document.dispatchEvent(new CustomEvent("learnloop:finish"));
    });
  }
  if (!button) { return; }
  var score = document.getElementById("score");
  button.addEventListener("click", function () {
    var questions = document.querySelectorAll("fieldset.question");
    var correct = 0;
    var unanswered = 0;
    questions.forEach(function (question) {
      var chosen = question.querySelector("input[type=radio]:checked");
      if (!chosen) { unanswered += 1; }
    });
    if (unanswered > 0) {
      score.textContent = "Answer every question first (" + unanswered + " left).";
      return;
    }
    questions.forEach(function (question) {
      var chosen = question.querySelector("input[type=radio]:checked");
      var right = chosen.value === question.dataset.answer;
      if (right) { correct += 1; }
      question.classList.toggle("correct", right);
      question.classList.toggle("incorrect", !right);
      var feedback = question.querySelector(".feedback");
      feedback.querySelector(".verdict").textContent = right ? "Correct." : "Not quite.";
      feedback.hidden = false;
    });
    var total = questions.length;
    var scaled = total ? correct / total : 0;
    var mastery = parseFloat(document.body.dataset.mastery);
    score.textContent = correct + " of " + total + " right" +
      (scaled >= mastery ? ": passed." : ": try again after reading the rationales.");
    document.dispatchEvent(new CustomEvent("learnloop:checked", {
      detail: { correct: correct, total: total, scaled: scaled }
    }));
  });
})();
