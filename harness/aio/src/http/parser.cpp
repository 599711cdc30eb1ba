// The public parsers: thin wrappers that turn ParserCore's messages into Request / Response.
#include "aio/http/parser.hpp"

#include <utility>

#include "parser_core.hpp"

namespace aio::http {

namespace {

Request to_request(detail::ParsedMessage&& message) {
  Request request;
  request.method = std::move(message.method);
  request.target = std::move(message.target);
  request.version = message.version;
  request.headers = std::move(message.headers);
  request.body = std::move(message.body);
  request.trailers = std::move(message.trailers);
  request.keep_alive = message.keep_alive;
  return request;
}

Response to_response(detail::ParsedMessage&& message) {
  Response response;
  response.status = message.status;
  response.reason = std::move(message.reason);
  response.version = message.version;
  response.headers = std::move(message.headers);
  response.body = std::move(message.body);
  response.trailers = std::move(message.trailers);
  response.keep_alive = message.keep_alive;
  return response;
}

// Messages first, then the error that followed them.
template <class Message, class Convert>
std::optional<Message> next_from(detail::ParserCore& core, Convert convert) {
  if (core.has_message()) return convert(core.take_message());
  if (core.error()) throw *core.error();
  return std::nullopt;
}

}  // namespace

// ---- RequestParser ----------------------------------------------------------------------------

RequestParser::RequestParser(Limits limits)
    : core_(std::make_unique<detail::ParserCore>(detail::MessageKind::Request, limits)) {}
RequestParser::RequestParser(RequestParser&&) noexcept = default;
RequestParser& RequestParser::operator=(RequestParser&&) noexcept = default;
RequestParser::~RequestParser() = default;

void RequestParser::feed(std::string_view bytes) {
  core_->feed(bytes);
}
void RequestParser::feed_eof() {
  core_->feed_eof();
}
std::optional<Request> RequestParser::next() {
  return next_from<Request>(*core_,
                            [](detail::ParsedMessage&& m) { return to_request(std::move(m)); });
}
bool RequestParser::in_message() const noexcept {
  return core_->in_message();
}
bool RequestParser::closed() const noexcept {
  return core_->closed();
}
bool RequestParser::failed() const noexcept {
  return core_->error().has_value();
}
const Limits& RequestParser::limits() const noexcept {
  return core_->limits();
}

// ---- ResponseParser ---------------------------------------------------------------------------

ResponseParser::ResponseParser(Limits limits)
    : core_(std::make_unique<detail::ParserCore>(detail::MessageKind::Response, limits)) {}
ResponseParser::ResponseParser(ResponseParser&&) noexcept = default;
ResponseParser& ResponseParser::operator=(ResponseParser&&) noexcept = default;
ResponseParser::~ResponseParser() = default;

void ResponseParser::expect_response_to(std::string_view method) {
  core_->expect_response_to(method);
}
void ResponseParser::feed(std::string_view bytes) {
  core_->feed(bytes);
}
void ResponseParser::feed_eof() {
  core_->feed_eof();
}
std::optional<Response> ResponseParser::next() {
  return next_from<Response>(*core_,
                             [](detail::ParsedMessage&& m) { return to_response(std::move(m)); });
}
bool ResponseParser::in_message() const noexcept {
  return core_->in_message();
}
bool ResponseParser::closed() const noexcept {
  return core_->closed();
}
bool ResponseParser::failed() const noexcept {
  return core_->error().has_value();
}
const Limits& ResponseParser::limits() const noexcept {
  return core_->limits();
}

}  // namespace aio::http
