// "Use my location": asks the browser for its position only after the person presses the button, then
// looks the point up in the district boundaries. Without JavaScript the button stays hidden.
(function () {
  'use strict';
  var box = document.getElementById('use-location');
  if (!box || !('geolocation' in navigator)) return;
  box.hidden = false;
  var button = box.querySelector('button');
  var status = box.querySelector('[role="status"]');
  button.addEventListener('click', function () {
    status.textContent = box.getAttribute('data-asking');
    navigator.geolocation.getCurrentPosition(
      function (position) {
        var url = new URL(box.getAttribute('data-action'), window.location.href);
        url.searchParams.set('lat', position.coords.latitude.toFixed(5));
        url.searchParams.set('lon', position.coords.longitude.toFixed(5));
        url.searchParams.set('address', box.getAttribute('data-address') || '');
        window.location.assign(url.toString());
      },
      function () {
        status.textContent = box.getAttribute('data-failed');
      },
      { enableHighAccuracy: false, timeout: 15000, maximumAge: 600000 },
    );
  });
})();
