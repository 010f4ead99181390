// Loaded once while the container is pre-warmed, so the CommonJS loader is warm before the function loads.
module.exports = {};
