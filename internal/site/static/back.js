// A signed-in page restored from the browser's back/forward cache after
// sign-out would show what only the signed-in user may see: Chromium keeps
// such pages despite Cache-Control: no-store. Reload it, so that the
// server decides; without JavaScript, nothing else changes.
addEventListener("pageshow", function (e) {
  if (e.persisted) location.reload();
});
