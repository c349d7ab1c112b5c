// Not a copy: the very module object of the project's cdktn, so classes and instanceof checks are shared.
module.exports = require("cdktn");
