// The section editor's preview: past the preview limit the server answers 429 with a
// message, which htmx would not show; it is shown in the preview's place.
document.addEventListener("htmx:beforeSwap", function (event) {
  "use strict";
  var target = event.detail.target;
  if (target && target.id === "anteprima" && event.detail.xhr.status === 429) {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
});
