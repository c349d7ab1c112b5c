// Owned by the infrastructure team (manifest "owner": "infra"): change it here and in a pull request. A change made
// in the console is reverted by the next apply. Terraform would read "${" and "%{" in this file as templates; the
// CloudFrontFunction module escapes them, so the code reaches CloudFront exactly as written.
var MOVED = {
  '/shop/': '/',
  '/shop/sale': '/campaign/sale/',
  '/shop/guide.html': '/help/',
};

function handler(event) {
  var request = event.request;
  var uri = request.uri;
  var target = MOVED[uri];
  if (target !== undefined) {
    var host = request.headers.host ? request.headers.host.value : event.context.distributionDomainName;
    return {
      statusCode: 301,
      statusDescription: 'Moved Permanently',
      headers: { location: { value: `https://${host}${target}` } },
    };
  }
  if (uri.endsWith('/')) {
    request.uri = uri + 'index.html';
  } else if (uri.indexOf('.', uri.lastIndexOf('/')) === -1) {
    request.uri = uri + '/index.html';
  }
  return request;
}
