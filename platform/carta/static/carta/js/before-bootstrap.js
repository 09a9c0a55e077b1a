/* Carta: read by base.html just before the Bootstrap Italia bundle. The bundle's video
 * player (video.js) would otherwise inject an inline <style> on every page, which the
 * Content-Security-Policy refuses; the site shows no video, and its flag turns that off. */
window.VIDEOJS_NO_DYNAMIC_STYLE = true;
