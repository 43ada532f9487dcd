// Handlers for AWS's Node.js runtime client (npm aws-lambda-ric), run against the Runtime API server
// by tests/runtime/test_node_ric.py. `awslambda` is the global the runtime client defines.

export const buffered = async (event, context) => ({
  statusCode: 200,
  body: JSON.stringify({ event, requestId: context.awsRequestId, arn: context.invokedFunctionArn }),
});

export const fails = async () => {
  throw new TypeError("node says no");
};

const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export const stream = awslambda.streamifyResponse(async (event, responseStream) => {
  const http = awslambda.HttpResponseStream.from(responseStream, {
    statusCode: 201,
    headers: { "content-type": "text/event-stream" },
    cookies: ["session=abc"],
  });
  http.write("data: one\n\n");
  await pause(20);
  http.write("data: two\n\n");
  if (event.fail) {
    throw new Error("mid-stream failure");
  }
  http.end();
});
