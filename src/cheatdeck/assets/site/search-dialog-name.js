/* cheatdeck: give Material's search dialog an accessible name. The theme marks it
   role="dialog" without a name (axe: aria-dialog-name, WCAG 4.1.2); naming it here works with
   any build of the docs dir, with no copy of the theme's template to keep in step. */
(function () {
  "use strict";

  var dialog = document.querySelector('.md-search[role="dialog"]');
  if (dialog && !dialog.hasAttribute("aria-label")) dialog.setAttribute("aria-label", "Search");
})();
