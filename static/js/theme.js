/**
 * theme.js — light or dark, as the system says, unless the learner chose.
 *
 * The colours follow prefers-color-scheme by default (base.css uses
 * light-dark() with `color-scheme: light dark`). The header's toggle pins
 * the other theme by setting data-theme="light|dark" on <html> and
 * remembers the choice in localStorage ("learnkafka-theme"); pressing it
 * again flips back. Loaded as a classic script in <head> so the remembered
 * theme applies before the first paint (the CSP forbids inline scripts).
 */
(function () {
  "use strict";
  var KEY = "learnkafka-theme";
  var root = document.documentElement;

  function stored() {
    try {
      var value = window.localStorage.getItem(KEY);
      return value === "light" || value === "dark" ? value : null;
    } catch (e) {
      return null; // storage blocked: follow the system
    }
  }

  function systemTheme() {
    return window.matchMedia && window.matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light";
  }

  function current() {
    return root.dataset.theme || systemTheme();
  }

  function apply(theme) {
    if (theme) root.dataset.theme = theme;
    else delete root.dataset.theme;
  }

  function syncButtons() {
    var dark = current() === "dark";
    var buttons = document.querySelectorAll("[data-theme-toggle]");
    for (var i = 0; i < buttons.length; i++) {
      buttons[i].hidden = false;
      buttons[i].setAttribute("aria-pressed", String(dark));
      buttons[i].textContent = dark ? "Light mode" : "Dark mode";
    }
  }

  apply(stored());

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-theme-toggle]");
    if (!button) return;
    var next = current() === "dark" ? "light" : "dark";
    apply(next);
    try {
      window.localStorage.setItem(KEY, next);
    } catch (e) {
      /* not remembered, but still applied */
    }
    syncButtons();
  });

  if (window.matchMedia) {
    var query = window.matchMedia("(prefers-color-scheme: dark)");
    if (query.addEventListener) query.addEventListener("change", syncButtons);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", syncButtons);
  else syncButtons();
})();
