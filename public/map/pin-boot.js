/*
 * The map pin of a form (src/components/MapPin.astro) until a person uses it: shows the
 * fieldset, and loads its code (Leaflet's loader, then /map/pin.js) only at the first press of
 * one of its buttons or the first choice of photos, then hands that press or choice over. So a
 * form ships this much JavaScript for its pin, and the rest only when someone asks for it.
 */
(function () {
  'use strict';
  var box = document.querySelector('[data-map-pin]');
  if (!box) return;
  box.hidden = false;
  var loading = null;
  function script(src) {
    return new Promise(function (resolve, reject) {
      var s = document.createElement('script');
      s.src = src;
      s.onload = resolve;
      s.onerror = reject;
      document.head.appendChild(s);
    });
  }
  function pin() {
    if (!loading) {
      loading = script(box.dataset.loaderSrc).then(function () { return script(box.dataset.pinSrc); }).then(function () { return window.bdPin; });
      loading.catch(function () {
        loading = null;
        box.querySelector('.pin-status').textContent = box.dataset.tLoadFailed;
      });
    }
    return loading;
  }
  // Once /map/pin.js runs (window.bdPin), it listens itself; presses while it loads are dropped
  // (a second "open" would make a second map).
  box.addEventListener('click', function (e) {
    var a = e.target.closest('[data-pin-action]');
    if (!a || window.bdPin || loading) return;
    pin().then(function (p) { p.act(a.getAttribute('data-pin-action')); });
  });
  var photos = document.getElementById('f-photos');
  if (photos && window.FileReader) {
    photos.addEventListener('change', function () {
      if (!window.bdPin) pin().then(function (p) { p.photosChanged(); });
    });
  }
})();
