// @endure/server: the engine behind an HTTP/JSON API (`endure server`), and the `endure` CLI.
export {};
