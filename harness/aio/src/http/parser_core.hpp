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
// Errors are positional: the scanner is brought up to a callback's position before that
// callback checks anything, so the error reported is the one at the earliest byte, whatever the
// split of the stream into feed() calls.
#pragma once

#include <llhttp.h>

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>

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

  // The scanner: checks the framing bytes in [scan_, to). False after an error.
  bool scan_to(const char* to);
  bool count_framing_byte();
  // Body bytes [at, at + length) are not framing: the scanner steps over them.
  void skip_body(const char* at, std::size_t length);

  // Records the first error (later ones are consequences) and returns HPE_USER, which makes
  // llhttp stop.
  int fail(int status, const std::string& detail);
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
  bool in_field_name_ = false;
  bool version_started_ = false;
  std::size_t field_count_ = 0;
  bool skip_body_ = false;
  std::uint64_t declared_length_ = 0;  // Content-Length, when there is one
  bool chunked_ = false;

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
  bool finishing_ = false;  // inside llhttp_finish: on_message_complete must not pause
  bool resumed_ = false;    // the last execute ended in a pause we resumed from

  std::deque<ParsedMessage> ready_;
  std::optional<ProtocolError> error_;
  bool closed_ = false;
  bool eof_ = false;
};

}  // namespace aio::http::detail
