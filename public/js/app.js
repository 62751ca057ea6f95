// Progressive enhancement only: every step works without this file. No inline scripts (the CSP forbids
// them); translated strings come from data- attributes the templates fill in.
(function () {
  'use strict';

  function storage() {
    try {
      var s = window.localStorage;
      var probe = '__dc__';
      s.setItem(probe, probe);
      s.removeItem(probe);
      return s;
    } catch {
      return null;
    }
  }
  var store = storage();

  // Copy buttons for the web-form text on the batch page.
  document.querySelectorAll('.dc-copy').forEach(function (button) {
    button.hidden = false;
    var label = button.textContent;
    button.addEventListener('click', function () {
      var source = document.getElementById(button.getAttribute('data-copy'));
      if (!source) return;
      var done = function () {
        button.textContent = button.getAttribute('data-copied') || 'Copied';
        setTimeout(function () {
          button.textContent = label;
        }, 3000);
      };
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(source.value).then(done, function () {
          source.select();
        });
      } else {
        source.select();
      }
    });
  });

  // The device's own share sheet (Web Share API), where the browser has one; no third-party script.
  document.querySelectorAll('.dc-share-device').forEach(function (button) {
    var source = document.getElementById(button.getAttribute('data-share-text'));
    if (!source || !navigator.share) return;
    button.hidden = false;
    button.addEventListener('click', function () {
      navigator.share({ text: source.value }).catch(function () {
        // Dismissed by the person, or refused by the browser: the links beside it still work.
      });
    });
  });

  // Once letters are saved, the draft kept on this device is no longer needed.
  document.querySelectorAll('[data-clear-drafts]').forEach(function (el) {
    if (store) store.removeItem(el.getAttribute('data-clear-drafts'));
  });

  var compose = document.querySelector('form.dc-compose');
  if (compose) enhanceCompose(compose);

  function wordsIn(text) {
    var words = text.trim().split(/\s+/);
    return words[0] === '' ? 0 : words.length;
  }

  /** Plain-text paragraphs, never HTML: the letter is the person's text. */
  function renderPreview(target, text) {
    while (target.firstChild) target.removeChild(target.firstChild);
    text
      .split(/\n{2,}/)
      .map(function (p) {
        return p.trim();
      })
      .filter(Boolean)
      .forEach(function (paragraph) {
        var p = document.createElement('p');
        p.textContent = paragraph;
        target.appendChild(p);
      });
  }

  function enhanceCompose(form) {
    var key = form.getAttribute('data-draft-key');
    var wordsLabel = form.getAttribute('data-words') || '{n}';
    var bodies = Array.prototype.slice.call(form.querySelectorAll('textarea.dc-letter-body'));
    var timers = {};

    /** The campaign text: the textarea's own initial text, unless the server sent the person's edited
        text back (after an error), in which case it sends the campaign text in data-original. */
    function campaignText(textarea) {
      return textarea.getAttribute('data-original') || textarea.defaultValue;
    }

    function updateExtras(textarea) {
      var count = document.getElementById(textarea.id + '-words');
      if (count) {
        count.hidden = false;
        count.textContent = wordsLabel.replace('{n}', String(wordsIn(textarea.value)));
      }
      // The collapsed letter's one line says whether it is still the campaign's text.
      var line = document.getElementById(textarea.id + '-summary');
      if (line) {
        var edited = textarea.value !== campaignText(textarea);
        line.textContent = line.getAttribute(edited ? 'data-edited' : 'data-campaign');
      }
      var preview = document.getElementById(textarea.id + '-preview');
      // The preview is shown on demand only (it doubled the page's length); it follows the text while open.
      if (preview && !preview.parentNode.hidden) {
        // Debounced, so a screen reader is not interrupted at every keystroke.
        clearTimeout(timers[textarea.id]);
        timers[textarea.id] = setTimeout(function () {
          renderPreview(preview, textarea.value);
        }, 400);
      }
    }

    function fields() {
      return Array.prototype.slice.call(form.elements).filter(function (el) {
        return el.name && !/^(_csrf|startedAt|website|address|district|ref)$/.test(el.name);
      });
    }

    function saveDraft() {
      if (!store || !key) return;
      var draft = {
        address: form.elements.address ? form.elements.address.value : '',
        values: {},
        checked: {},
      };
      fields().forEach(function (el) {
        if (el.type === 'checkbox') draft.checked[el.id] = el.checked;
        else if (el.type !== 'hidden') draft.values[el.name] = el.value;
      });
      try {
        store.setItem(key, JSON.stringify(draft));
      } catch {
        /* storage full: the form still works */
      }
    }

    function restoreDraft() {
      if (!store || !key) return false;
      var draft;
      try {
        draft = JSON.parse(store.getItem(key) || 'null');
      } catch {
        draft = null;
      }
      // A draft for another address has other members: leave this page as the server sent it.
      if (!draft || !form.elements.address || draft.address !== form.elements.address.value) return false;
      var changed = false;
      fields().forEach(function (el) {
        if (el.type === 'checkbox') {
          if (
            Object.prototype.hasOwnProperty.call(draft.checked, el.id) &&
            el.checked !== draft.checked[el.id]
          ) {
            el.checked = draft.checked[el.id];
            changed = true;
          }
        } else if (
          el.type !== 'hidden' &&
          typeof draft.values[el.name] === 'string' &&
          el.value !== draft.values[el.name]
        ) {
          el.value = draft.values[el.name];
          changed = true;
        }
      });
      return changed;
    }

    if (restoreDraft()) {
      var notice = document.querySelector('.dc-draft-notice');
      if (notice) notice.hidden = false;
    }
    var savedNote = form.querySelector('.dc-draft-saved');
    if (savedNote && store) savedNote.hidden = false;

    bodies.forEach(function (textarea) {
      updateExtras(textarea);
      textarea.addEventListener('input', function () {
        updateExtras(textarea);
      });
    });
    form.addEventListener('input', saveDraft);
    form.addEventListener('change', saveDraft);

    form.querySelectorAll('.dc-preview-toggle').forEach(function (button) {
      var textarea = document.getElementById(button.getAttribute('data-target'));
      var box = document.getElementById(button.getAttribute('aria-controls'));
      if (!textarea || !box) return;
      var showLabel = button.textContent;
      button.hidden = false;
      button.addEventListener('click', function () {
        var show = box.hidden;
        box.hidden = !show;
        button.setAttribute('aria-expanded', String(show));
        button.textContent = show ? button.getAttribute('data-hide') || showLabel : showLabel;
        if (show) renderPreview(document.getElementById(textarea.id + '-preview'), textarea.value);
      });
    });

    // One letter open at a time. Browsers that know <details name> do this themselves; this covers the rest.
    var editors = Array.prototype.slice.call(form.querySelectorAll('details.dc-letter-editor'));
    editors.forEach(function (details) {
      details.addEventListener('toggle', function () {
        if (!details.open) return;
        editors.forEach(function (other) {
          if (other !== details && other.open) other.open = false;
        });
      });
    });

    form.querySelectorAll('.dc-reset').forEach(function (button) {
      var textarea = document.getElementById(button.getAttribute('data-target'));
      if (!textarea) return;
      var original = campaignText(textarea);
      button.hidden = false;
      button.addEventListener('click', function () {
        textarea.value = original;
        updateExtras(textarea);
        saveDraft();
        textarea.focus();
        var status = document.getElementById(textarea.id + '-words');
        if (status) status.textContent = form.getAttribute('data-reset-done') + ' ' + status.textContent;
      });
    });
  }

  // After a failed submit the server re-renders the form with an error summary: move focus there so
  // keyboard and screen-reader users hear what went wrong; its links lead to each field.
  var summary = document.getElementById('error-summary');
  if (summary) {
    summary.focus();
    summary.addEventListener('click', function (event) {
      var link = event.target.closest ? event.target.closest('a[href^="#"]') : null;
      if (!link) return;
      var field = document.getElementById(link.getAttribute('href').slice(1));
      if (!field) return;
      event.preventDefault();
      // A field inside a closed letter cannot take focus until its letter is opened.
      var letter = field.closest ? field.closest('details') : null;
      if (letter) letter.open = true;
      var focusable = field.matches('input, textarea, select')
        ? field
        : field.querySelector('input, textarea, select');
      (focusable || field).focus();
      field.scrollIntoView({ block: 'center' });
    });
  }
})();
