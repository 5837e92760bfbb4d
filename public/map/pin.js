/*
 * The feedback form's optional map pin (src/components/MapPin.astro), loaded by /map/pin-boot.js
 * at the first use of the pin (which it then passes to `window.bdPin`). Leaflet is loaded only
 * when "Pilih di peta" is pressed. A pin comes from a click or tap on the map, the marker dragged,
 * "pin at the map's centre" (keyboard: pan with the arrow keys), the browser's location, or a
 * photo's GPS position once the person accepts it. Works when tiles fail to load (grey map).
 */
(function () {
  'use strict';
  var box = document.querySelector('[data-map-pin]');
  if (!box || !window.bdLoadLeaflet) return;
  box.hidden = false;
  var d = box.dataset;
  var lat = box.querySelector('input[name="latitude"]');
  var lng = box.querySelector('input[name="longitude"]');
  var status = box.querySelector('.pin-status');
  var openBtn = box.querySelector('[data-pin-action="open"]');
  var clearBtn = box.querySelector('[data-pin-action="clear"]');
  var mapDiv = box.querySelector('.pin-map');
  var photoP = box.querySelector('.pin-photo');
  var photoText = box.querySelector('.pin-photo-text');
  var b = d.box.split(',').map(Number);
  var map = null;
  var marker = null;
  var photoPos = null;

  function fmt(s, p) {
    return s.replace(/\{(\w+)\}/g, function (m, k) { return k in p ? p[k] : m; });
  }
  function show() {
    if (!map) return;
    if (lat.value && lng.value) {
      var ll = [Number(lat.value), Number(lng.value)];
      if (marker) marker.setLatLng(ll);
      else {
        marker = window.L.marker(ll, { draggable: true, keyboard: false }).addTo(map);
        marker.on('dragend', function () { var p = marker.getLatLng(); setPin(p.lat, p.lng); });
      }
    } else if (marker) {
      marker.remove();
      marker = null;
    }
  }
  function setPin(a, o) {
    lat.value = a.toFixed(6);
    lng.value = o.toFixed(6);
    status.textContent = fmt(d.tChosen, { lat: lat.value, lng: lng.value });
    clearBtn.hidden = false;
    photoP.hidden = true;
    show();
  }
  function clear() {
    lat.value = '';
    lng.value = '';
    status.textContent = d.tNone;
    clearBtn.hidden = true;
    show();
    offerPhoto();
  }
  function openMap() {
    if (map) {
      mapDiv.hidden = !mapDiv.hidden;
      openBtn.setAttribute('aria-expanded', String(!mapDiv.hidden));
      return;
    }
    openBtn.disabled = true;
    window.bdLoadLeaflet().then(function (L) {
      mapDiv.hidden = false;
      openBtn.setAttribute('aria-expanded', 'true');
      var el = document.createElement('div');
      el.className = 'map-canvas';
      el.setAttribute('role', 'application');
      el.setAttribute('aria-label', d.tMapLabel);
      mapDiv.appendChild(el);
      map = L.map(el).fitBounds([[b[0], b[1]], [b[2], b[3]]]);
      window.bdTiles(L, d.tileUrl, d.tileAttribution).addTo(map);
      map.on('click', function (e) { setPin(e.latlng.lat, e.latlng.lng); });
      if (lat.value && lng.value) map.setView([Number(lat.value), Number(lng.value)], 16);
      show();
    }).catch(function () {
      status.textContent = d.tLoadFailed;
    }).then(function () {
      openBtn.disabled = false;
    });
  }
  function locate() {
    if (!navigator.geolocation) { status.textContent = d.tLocateFailed; return; }
    status.textContent = d.tLocating;
    navigator.geolocation.getCurrentPosition(function (p) {
      setPin(p.coords.latitude, p.coords.longitude);
      if (map) map.setView([p.coords.latitude, p.coords.longitude], 16);
    }, function () {
      status.textContent = d.tLocateFailed;
    }, { enableHighAccuracy: true, timeout: 15000 });
  }

  // ---- a photo's GPS position (EXIF), read here before upload; the server strips it from the photo.
  function gps(buf) {
    var v = new DataView(buf);
    if (v.byteLength < 4 || v.getUint16(0) !== 0xffd8) return null;
    var off = 2;
    while (off + 10 < v.byteLength) {
      var m = v.getUint16(off);
      if ((m & 0xff00) !== 0xff00) return null;
      if (m === 0xffe1 && v.getUint32(off + 4) === 0x45786966) return tiff(v, off + 10);
      off += 2 + v.getUint16(off + 2);
    }
    return null;
  }
  function tiff(v, t) {
    var le = v.getUint16(t) === 0x4949;
    function u16(o) { return v.getUint16(t + o, le); }
    function u32(o) { return v.getUint32(t + o, le); }
    function ifd(at) {
      var out = {};
      for (var i = 0, n = u16(at); i < n; i++) { var e = at + 2 + i * 12; out[u16(e)] = e + 8; }
      return out;
    }
    var gpsAt = ifd(u32(4))[0x8825];
    if (!gpsAt) return null;
    var g = ifd(u32(gpsAt));
    function deg(tag) {
      if (!g[tag]) return NaN;
      var o = u32(g[tag]);
      return u32(o) / u32(o + 4) + u32(o + 8) / u32(o + 12) / 60 + u32(o + 16) / u32(o + 20) / 3600;
    }
    function ref(tag) { return g[tag] ? String.fromCharCode(v.getUint8(t + g[tag])) : ''; }
    var a = deg(2) * (ref(1) === 'S' ? -1 : 1);
    var o = deg(4) * (ref(3) === 'W' ? -1 : 1);
    return isFinite(a) && isFinite(o) && !(a === 0 && o === 0) ? [a, o] : null;
  }
  function offerPhoto() {
    photoP.hidden = !(photoPos && !lat.value);
    if (photoPos) photoText.textContent = fmt(d.tPhoto, { lat: photoPos[0].toFixed(5), lng: photoPos[1].toFixed(5) }) + ' ';
  }
  function photosChanged() {
    photoPos = null;
    var files = Array.prototype.slice.call(photos.files || []).filter(function (f) { return f.type === 'image/jpeg'; });
    Promise.all(files.map(function (f) {
      return f.slice(0, 256 * 1024).arrayBuffer().then(function (buf) {
        try { return gps(buf); } catch (e) { return null; }
      });
    })).then(function (found) {
      photoPos = found.filter(Boolean)[0] || null;
      offerPhoto();
    });
  }
  var photos = document.getElementById('f-photos');
  if (photos && window.FileReader) photos.addEventListener('change', photosChanged);

  function act(action) {
    if (action === 'open') openMap();
    else if (action === 'locate') locate();
    else if (action === 'clear') clear();
    else if (action === 'photo' && photoPos) setPin(photoPos[0], photoPos[1]);
    else if (action === 'centre' && map) { var c = map.getCenter(); setPin(c.lat, c.lng); }
  }
  box.addEventListener('click', function (e) {
    var a = e.target.closest('[data-pin-action]');
    if (a) act(a.getAttribute('data-pin-action'));
  });
  window.bdPin = {
    act: act,
    photosChanged: function () { if (photos && window.FileReader) photosChanged(); },
  };
})();
