/* The board's map (src/components/BoardMap.astro): one marker per item of the list that follows it. */
(function () {
  'use strict';
  var box = document.querySelector('[data-board-map]');
  if (!box || !window.bdLoadLeaflet) return;
  var d = box.dataset;
  var items = Array.prototype.slice.call(document.querySelectorAll('.map-points li[data-lat]'));
  window.bdLoadLeaflet().then(function (L) {
    var note = box.querySelector('.map-noscript');
    if (note) note.remove();
    var el = document.createElement('div');
    el.className = 'map-canvas';
    el.setAttribute('role', 'region');
    el.setAttribute('aria-label', d.tMapLabel);
    box.appendChild(el);
    var b = d.box.split(',').map(Number);
    var map = L.map(el).fitBounds([[b[0], b[1]], [b[2], b[3]]]);
    window.bdTiles(L, d.tileUrl, d.tileAttribution).addTo(map);
    var layer = L.featureGroup().addTo(map);
    items.forEach(function (li) {
      var a = li.querySelector('a');
      var popup = document.createElement('a');
      popup.href = a.getAttribute('href');
      popup.textContent = a.textContent;
      L.marker([Number(li.dataset.lat), Number(li.dataset.lng)], { title: a.textContent, alt: a.textContent }).bindPopup(popup).addTo(layer);
    });
    if (items.length > 0) map.fitBounds(layer.getBounds().pad(0.2), { maxZoom: 16 });
  });
})();
