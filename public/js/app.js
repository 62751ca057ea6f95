// Progressive enhancement only: every step works without this file.
(function () {
  'use strict';
  document.querySelectorAll('.dc-copy').forEach(function (button) {
    button.hidden = false;
    button.addEventListener('click', function () {
      var source = document.getElementById(button.getAttribute('data-copy'));
      if (!source) return;
      var text = source.value;
      var done = function () {
        button.textContent = 'Copied';
      };
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(text).then(done, function () {
          source.select();
        });
      } else {
        source.select();
      }
    });
  });
  var summary = document.getElementById('error-summary');
  if (summary) summary.focus();
})();
