// The machinery shared by RequestParser and ResponseParser: llhttp plus the checks llhttp 8.1
// does not make.
//
// llhttp drives the parse and calls us back with pieces of the message. Two things it cannot do
// for us, and the reasons for the design below:
//
// 1. Tell us *where* in the bytes it is when a message's head or the message itself ends. The
//    head limit, and the switch from checking a head to checking a body, need that position. So
//    on_headers_complete and on_message_complete pause llhttp (HPE_PAUSED): llhttp_execute
//    returns, llhttp_get_error_pos() is the position, and we resume from there.
//
// 2. Refuse everything RFC 9112 asks a recipient to refuse. llhttp 8.1, even in its strict mode,
//    accepts a bare LF at the end of the request line and as the blank line, and joins
//    obsolete line folding into the value. A small scanner therefore reads every byte that is
//    not body data ("framing"), in stream order, and checks: no LF without CR before it, no line
//    starting with whitespace after a header line, the head limit, and the limit between pieces
//    of chunked data. Body bytes are skipped (llhttp reports them through on_body).
//
// Whatever the split of the stream into feed() calls, the same error is reported (the fuzz
// targets check it). Three kinds of check, kept in one order:
//  - the scanner's, at an exact byte: it runs over every framing byte up to where llhttp is;
//  - llhttp's own refusals, at an exact byte: the scanner is first run up to and including it;
//  - ours on whole parts (a header name, the status, the version: defer()), which fire a few
//    bytes after the part, at a delimiter the scanner may or may not have reached depending on
//    the split. They are held until the head (or the trailers) end, when the scanner has seen
//    everything before, or until llhttp refuses a later byte. So a scanner error anywhere in the
//    head beats them, and they beat llhttp's refusal of a later byte, in every split.
#pragma once

#include <llhttp.h>

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "aio/http/errors.hpp"
#include "aio/http/message.hpp"
#include "aio/http/parser.hpp"

namespace aio::http::detail {

enum class MessageKind { Request, Response };

// A complete message, request and response fields together.
struct ParsedMessage {
  std::string method;  // requests
  std::string target;  // requests
  int status = 0;      // responses
  std::string reason;  // responses
  Version version = Version::Http11;
  Headers headers;
  Headers trailers;
  std::string body;
  bool keep_alive = true;
};

class ParserCore {
 public:
  ParserCore(MessageKind kind, const Limits& limits);
  // llhttp keeps a pointer to this object (llhttp_t::data): it never moves (the public parsers
  // hold it in a unique_ptr).
  ParserCore(const ParserCore&) = delete;
  ParserCore& operator=(const ParserCore&) = delete;

  void feed(std::string_view bytes);
  void feed_eof();
  void expect_response_to(std::string_view method);

  bool has_message() const noexcept { return !ready_.empty(); }
  ParsedMessage take_message();
  const std::optional<ProtocolError>& error() const noexcept { return error_; }
  bool in_message() const noexcept { return started_ && !error_; }
  bool closed() const noexcept { return closed_; }
  const Limits& limits() const noexcept { return limits_; }

 private:
  // Where the next framing byte belongs.
  enum class Phase {
    Head,         // start line and headers (and empty lines before them)
    Body,         // a Content-Length or read-until-EOF body: no framing bytes
    ChunkedBody,  // chunk-size lines, extensions, the CRLF after each chunk, trailers
  };
  // Which callback paused llhttp.
  enum class Pause { None, HeadersComplete, MessageComplete };

  static const llhttp_settings_t& settings() noexcept;
  static ParserCore& self(llhttp_t* parser) noexcept;

  // The callbacks (static: llhttp takes C function pointers). Span callbacks scan up to the
  // end of their span first.
  static int on_message_begin(llhttp_t* parser);
  static int on_method(llhttp_t* parser, const char* at, std::size_t length);
  static int on_method_complete(llhttp_t* parser);
  static int on_url(llhttp_t* parser, const char* at, std::size_t length);
  static int on_url_complete(llhttp_t* parser);
  static int on_status(llhttp_t* parser, const char* at, std::size_t length);
  static int on_status_complete(llhttp_t* parser);
  static int on_version(llhttp_t* parser, const char* at, std::size_t length);
  static int on_version_complete(llhttp_t* parser);
  static int on_header_field(llhttp_t* parser, const char* at, std::size_t length);
  static int on_header_field_complete(llhttp_t* parser);
  static int on_header_value(llhttp_t* parser, const char* at, std::size_t length);
  static int on_header_value_complete(llhttp_t* parser);
  static int on_headers_complete(llhttp_t* parser);
  static int on_chunk_extension(llhttp_t* parser, const char* at, std::size_t length);
  static int on_chunk_header(llhttp_t* parser);
  static int on_body(llhttp_t* parser, const char* at, std::size_t length);
  static int on_message_complete(llhttp_t* parser);

  // One llhttp_execute over [from, end); returns where it stopped.
  const char* execute(const char* from, const char* end);
  void after_headers_complete();
  void after_message_complete();
  void start_next_message();
  void decide_pending_refusal(std::string_view next_bytes);

  // The scanner: checks the framing bytes in [scan_, to). False after an error.
  bool scan_to(const char* to);
  bool count_framing_byte();
  // Body bytes [at, at + length) are not framing: the scanner steps over them.
  void skip_body(const char* at, std::size_t length);

  // Records the first error (later ones are consequences) and returns HPE_USER, which makes
  // llhttp stop.
  int fail(int status, const std::string& detail);
  // Records an error found by a completion callback; it becomes the error at the next pause or
  // at llhttp's refusal (see the top of this file). Returns 0: llhttp goes on meanwhile.
  int defer(int status, const std::string& detail);
  bool apply_deferred();
  void fail_from_llhttp(llhttp_errno_t code);
  void fail_at_eof();
  std::string_view noun() const noexcept;  // "request" or "response"

  MessageKind kind_;
  Limits limits_;
  llhttp_t parser_;

  // The message being parsed.
  bool started_ = false;  // on_message_begin seen, message not complete yet
  ParsedMessage message_;
  std::string field_name_;
  std::string field_value_;
  bool version_started_ = false;
  bool protocol_is_http_ = false;
  std::size_t field_count_ = 0;
  bool skip_body_ = false;
  std::uint64_t declared_length_ = 0;  // Content-Length, when there is one
  bool chunked_ = false;
  bool oversized_chunk_ = false;  // the chunk whose size line just ended is over the body cap
  std::optional<std::pair<int, std::string>> deferred_;

  // Responses: the methods of the requests still waiting for theirs.
  std::deque<std::string> expected_methods_;

  // The scanner's state.
  Phase phase_ = Phase::Head;
  const char* scan_ = nullptr;  // next byte to scan, inside the buffer being executed
  std::size_t head_bytes_ = 0;
  std::size_t chunk_framing_run_ = 0;  // framing bytes since the last piece of chunked data
  std::size_t line_length_ = 0;        // framing bytes of the current line so far
  bool previous_byte_cr_ = false;
  bool previous_line_had_content_ = false;
  std::uint64_t recent_bytes_ = 0;  // the last framing bytes, the latest in the low byte

  // Between the callbacks and feed().
  Pause pause_ = Pause::None;
  bool finishing_ = false;        // inside llhttp_finish: on_message_complete must not pause
  bool resumed_ = false;          // the last execute ended in a pause we resumed from
  bool refusal_pending_ = false;  // llhttp refused the stream at the end of the last buffer

  std::deque<ParsedMessage> ready_;
  std::optional<ProtocolError> error_;
  bool closed_ = false;
  bool eof_ = false;
};

}  // namespace aio::http::detail
