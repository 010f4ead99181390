// Imported once while the container is pre-warmed, so the ES module loader is warm before the function loads.
export default {};
