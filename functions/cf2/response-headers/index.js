// Pass-through created by the infrastructure team from the ticket (runtime cloudfront-js-2.0).
// The application team replaces it in the DEVELOPMENT stage, tests it with TestFunction and publishes it;
// Terraform never changes or publishes this function again (see docs/cloudfront-functions.md, "What the application team does and may do").
function handler(event) {
  var response = event.response;
  return response;
}
