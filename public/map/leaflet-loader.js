/* Loads the vendored Leaflet (script and style) once, on demand; exposes window.bdLoadLeaflet(). */
(function () {
  'use strict';
  var pending = null;
  window.bdLoadLeaflet = function () {
    if (window.L) return Promise.resolve(window.L);
    if (pending) return pending;
    pending = new Promise(function (resolve, reject) {
      var css = document.createElement('link');
      css.rel = 'stylesheet';
      css.href = '/vendor/leaflet/leaflet.css';
      document.head.appendChild(css);
      var s = document.createElement('script');
      s.src = '/vendor/leaflet/leaflet.js';
      s.onload = function () { resolve(window.L); };
      s.onerror = function () { pending = null; reject(new Error('leaflet')); };
      document.head.appendChild(s);
    });
    return pending;
  };
  /** A tile layer whose attribution is text (configuration is not trusted as HTML). */
  window.bdTiles = function (L, url, attribution) {
    var esc = attribution.replace(/[&<>"']/g, function (c) { return '&#' + c.charCodeAt(0) + ';'; });
    return L.tileLayer(url, { attribution: esc, maxZoom: 19, crossOrigin: false });
  };
})();
