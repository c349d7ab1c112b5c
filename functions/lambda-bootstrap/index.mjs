// The bootstrap image's handler: what a new container function runs until its first real image is deployed.
// It answers every invocation, through a function URL or directly, with 503 and says what is missing, so a
// CloudFront behavior routed to the function is visibly "not deployed yet" rather than broken.
export const handler = async () => ({
  statusCode: 503,
  headers: { "content-type": "application/json", "cache-control": "no-store", "retry-after": "300" },
  body: JSON.stringify({
    message: `${process.env.AWS_LAMBDA_FUNCTION_NAME} has no application image yet: it runs the edge-delivery bootstrap image`,
    next: "the application team's pipeline pushes an image, runs update-function-code and writes the image-tag parameter",
  }),
});
