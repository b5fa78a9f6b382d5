// Forwards every request to ORIGIN_URL (same path and query) and returns the origin's
// response as it is: the cost of a Worker in front of an origin, with nothing else done.
export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    return fetch(new Request(env.ORIGIN_URL + url.pathname + url.search, request));
  },
};
