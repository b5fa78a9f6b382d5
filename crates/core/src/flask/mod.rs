//! Flask and friends: Werkzeug dev server and debugger detection, session cookie
//! decoding, and the weak-secret audit.
