// Graders of chapter 10, part 2 — aio::Mutex: a balance updated across an await.
//
// The deposits get the graders' own bank: convert(amount) takes time and returns amount x a
// random rate (so the credit comes from the bank, not from the amount), record(new_balance)
// takes time, notes what the balance was when it was called, and can refuse (throw) on purpose.
// Both print what they do, so the timelines show who read what when. The graders run several
// deposits at once (a gather of their own) and check:
// - deposit_unlocked loses updates: the race is real, without threads (its three deposits all
//   read the balance before any of them writes it);
// - deposit keeps every update, converts outside the lock (all conversions overlap: a lock held
//   for the whole deposit serializes them, and the exact elapsed time shows it), locks only its
//   own account (deposits to two accounts overlap), and leaves the mutex unlocked and the balance
//   unchanged when record throws.
// Initial balances, amounts, rates and durations are random (seeded); 0 and negative amounts are
// fixed edge cases.
#include <grading/grading.hpp>

#include <algorithm>
#include <cstddef>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "exercise.hpp"

namespace {

using namespace std::chrono_literals;
using aio::Duration;
using grading::format_duration;
using grading::Run;
using grading::Timeline;
using std::chrono::milliseconds;

Duration random_ms(int low, int high) {
  return milliseconds(grading::random_int(low, high));
}

// What the graders' ledger throws when it refuses a record.
class LedgerRefused : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// One record() call.
struct Entry {
  Duration at{};
  int new_balance = 0;
  int balance_then = 0;  // account.balance at the moment record was called
  int credit = 0;        // the credit of the deposit that called (each deposit has its own Bank)
  Duration done{-1};
  bool refused = false;
};

// The graders' bank for one account, and everything it saw.
struct Ledger {
  std::string owner;
  ch10::Account* account = nullptr;
  int rate = 1;
  std::map<int, Duration> convert_time;  // per amount (distinct amounts)
  Duration record_time{};
  std::set<std::size_t> refuse;  // which record calls (0, 1, ...) are refused
  std::string refusal_tag;

  std::vector<int> converted;  // amounts passed to convert, in call order
  std::vector<Entry> records;
  int converting = 0;
  int peak_converting = 0;
  int recording = 0;
  int peak_recording = 0;

  int credit(int amount) const { return amount * rate; }
  std::string refusal(int new_balance) const {
    return owner + "'s ledger refused " + std::to_string(new_balance) + " #" + refusal_tag;
  }
};

// Counts a call as running until its frame ends (returned, threw or was cancelled).
struct Running {
  int* count;
  Running(int* c, int* peak) : count(c) { *peak = std::max(*peak, ++*count); }
  ~Running() { --*count; }
  Running(const Running&) = delete;
  Running& operator=(const Running&) = delete;
};

aio::Task<int> graders_convert(std::shared_ptr<Ledger> ledger, int amount) {
  ledger->converted.push_back(amount);
  Running running(&ledger->converting, &ledger->peak_converting);
  aio::print(ledger->owner, ": converting ", amount);
  auto it = ledger->convert_time.find(amount);
  co_await aio::sleep(it == ledger->convert_time.end() ? 1s : it->second);
  co_return ledger->credit(amount);
}

aio::Task<> graders_record(std::shared_ptr<Ledger> ledger, int new_balance, int credit) {
  const std::size_t index = ledger->records.size();
  ledger->records.push_back({aio::now(), new_balance, ledger->account->balance, credit});
  Running running(&ledger->recording, &ledger->peak_recording);
  aio::print(ledger->owner, ": ledger ", new_balance);
  co_await aio::sleep(ledger->record_time);
  ledger->records[index].done = aio::now();
  if (ledger->refuse.count(index)) {
    ledger->records[index].refused = true;
    aio::print(ledger->owner, ": ledger refused ", new_balance);
    throw LedgerRefused(ledger->refusal(new_balance));
  }
}

// The bank of one deposit (of `amount`): its record knows which credit it should add.
ch10::Bank bank_of(std::shared_ptr<Ledger> ledger, int amount) {
  ch10::Bank bank;
  bank.convert = [ledger](int amount) { return graders_convert(ledger, amount); };
  const int credit = ledger->credit(amount);
  bank.record = [ledger, credit](int new_balance) {
    return graders_record(ledger, new_balance, credit);
  };
  return bank;
}

// ---- running deposits ----------------------------------------------------------------------

using DepositFn = aio::Task<int> (*)(ch10::Account&, int, ch10::Bank);

struct Order {
  std::shared_ptr<Ledger> ledger;  // its account is the one deposited to
  int amount = 0;
};

// How one deposit ended.
struct Outcome {
  std::optional<int> returned;
  std::string refused;  // what() of the LedgerRefused it threw
  Duration at{-1};
};

aio::Task<> one_deposit(DepositFn deposit, std::shared_ptr<Ledger> ledger, int amount,
                        Outcome* outcome) {
  try {
    outcome->returned = co_await deposit(*ledger->account, amount, bank_of(ledger, amount));
  } catch (const LedgerRefused& refused) {
    // Only the ledger's refusal: a TODO (aio::NotImplemented) goes on and fails the run.
    outcome->refused = refused.what();
  }
  outcome->at = aio::now();
}

aio::Task<> all_deposits(DepositFn deposit, std::vector<Order> orders,
                         std::vector<Outcome>* outcomes) {
  std::vector<aio::Task<>> all;
  for (std::size_t i = 0; i < orders.size(); ++i)
    all.push_back(one_deposit(deposit, orders[i].ledger, orders[i].amount, &(*outcomes)[i]));
  co_await aio::gather(std::move(all));
}

// A limit for a deposit left waiting on a lock nobody gives back.
grading::Settings capped() {
  grading::Settings settings;
  settings.virtual_limit = std::chrono::minutes(2);
  return settings;
}

struct Deposits {
  Run<void> run;
  std::vector<Outcome> outcomes;
};

Deposits run_deposits(DepositFn deposit, const std::vector<Order>& orders) {
  Deposits result;
  result.outcomes.resize(orders.size());
  result.run = grading::run(all_deposits(deposit, orders, &result.outcomes), capped());
  return result;
}

// ---- what should happen --------------------------------------------------------------------

struct Expected {
  Timeline timeline;
  std::vector<std::optional<int>> returned;  // per order; empty when refused
  std::map<const Ledger*, int> final_balance;
  Duration elapsed{};
};

// With the lock: every order converts from 0 s; then each takes its account's lock in the order
// the conversions finish (equal times: order order), records for record_time, writes, unlocks.
// `initial`: each account's balance before the deposits.
Expected expected_locked(const std::vector<Order>& orders,
                         const std::map<const Ledger*, int>& initial) {
  Expected expected;
  expected.returned.resize(orders.size());
  expected.final_balance = initial;
  std::vector<std::pair<Duration, Timeline::value_type>> lines;  // stable-sorted by time below
  for (const auto& order : orders)
    lines.push_back(
        {0s, {0s, order.ledger->owner + ": converting " + std::to_string(order.amount)}});
  std::vector<std::pair<Duration, std::size_t>> arrivals;
  for (std::size_t i = 0; i < orders.size(); ++i)
    arrivals.emplace_back(orders[i].ledger->convert_time.at(orders[i].amount), i);
  std::stable_sort(arrivals.begin(), arrivals.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  std::map<const Ledger*, Duration> free_at;
  std::map<const Ledger*, std::size_t> calls;
  for (auto& [arrival, i] : arrivals) {
    const Ledger* ledger = orders[i].ledger.get();
    const Duration start = std::max(arrival, free_at[ledger]);
    const Duration end = start + ledger->record_time;
    const int new_balance = expected.final_balance[ledger] + ledger->credit(orders[i].amount);
    lines.push_back({start, {start, ledger->owner + ": ledger " + std::to_string(new_balance)}});
    if (ledger->refuse.count(calls[ledger]++)) {
      lines.push_back(
          {end, {end, ledger->owner + ": ledger refused " + std::to_string(new_balance)}});
    } else {
      expected.final_balance[ledger] = new_balance;
      expected.returned[i] = new_balance;
    }
    free_at[ledger] = end;
    expected.elapsed = std::max(expected.elapsed, end);
  }
  std::stable_sort(lines.begin(), lines.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  for (auto& [time, line] : lines) expected.timeline.push_back(line);
  return expected;
}

// ---- checks --------------------------------------------------------------------------------

std::string amounts_text(const std::vector<int>& amounts) {
  std::string text;
  for (std::size_t i = 0; i < amounts.size(); ++i)
    text += (i == 0 ? "" : ", ") + std::to_string(amounts[i]);
  return text;
}

// convert was called once per deposit, with its amount.
::testing::AssertionResult converted_every_amount(const Run<void>& run, const Ledger& ledger,
                                                  const std::vector<int>& amounts,
                                                  const std::string& function) {
  if (run.error) return grading::finished(run);
  std::multiset<int> expected(amounts.begin(), amounts.end());
  std::multiset<int> called(ledger.converted.begin(), ledger.converted.end());
  if (expected == called) return ::testing::AssertionSuccess();
  auto failure = ::testing::AssertionFailure();
  if (called.empty()) {
    failure << function << " never called bank.convert: the amount to add is what "
            << "bank.convert(amount) returns (the bank converts the currency), not the amount "
               "itself.\n";
  } else {
    failure << function << " called bank.convert with " << amounts_text(ledger.converted)
            << " for deposits of " << amounts_text(amounts)
            << ": once per deposit, with that deposit's amount.\n";
  }
  return failure << grading::hints_pointer();
}

// The first record() whose new balance is not the balance at that moment plus its credit.
const Entry* stale_record(const Ledger& ledger) {
  for (const auto& entry : ledger.records)
    if (entry.new_balance != entry.balance_then + entry.credit) return &entry;
  return nullptr;
}

// Every deposit's credit ended up in the balance (the refused ones excepted).
::testing::AssertionResult kept_every_update(const Run<void>& run, const Ledger& ledger,
                                             const std::vector<int>& amounts, int expected_final,
                                             const Expected& expected) {
  if (run.error) return grading::finished(run);
  const int actual = ledger.account->balance;
  if (actual == expected_final) return ::testing::AssertionSuccess();
  auto failure = ::testing::AssertionFailure();
  failure << "lost updates: " << ledger.owner << "'s balance ended at " << actual << ", expected "
          << expected_final << " (deposits of " << amounts_text(amounts) << " at a rate of "
          << ledger.rate << ").\n";
  if (ledger.peak_recording > 1) {
    failure << "Up to " << ledger.peak_recording << " deposits were recording at the same time: "
            << "each read the balance, then waited for the ledger while the others read the same "
               "balance, and the last to write undid the writes before it. That is a race, with "
               "no thread in sight: tasks switch at every co_await.\n";
  } else if (const Entry* stale = stale_record(ledger)) {
    failure << "The deposits recorded one after another, but at " << format_duration(stale->at)
            << " record was asked to write " << stale->new_balance << " while the balance was "
            << stale->balance_then << " (its credit is " << stale->credit
            << "): that deposit computed its new balance from a balance "
               "it had read before another deposit wrote its own. The read must happen while "
               "holding the lock, not before taking it.\n";
  }
  failure << "What you missed: read the balance, record, and write it back, all while holding "
             "account.mutex (auto guard = co_await account.mutex.lock();), so that no other "
             "deposit reads in between.\n"
          << grading::side_by_side(expected.timeline, run.timeline()) << grading::hints_pointer();
  return failure;
}

// All conversions overlapped (they all start at 0 s): the lock is not held while converting.
::testing::AssertionResult converted_outside_the_lock(const Run<void>& run, const Ledger& ledger,
                                                      std::size_t deposits,
                                                      const Expected& expected) {
  if (run.error) return grading::finished(run);
  if (ledger.peak_converting == static_cast<int>(deposits)) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << "the conversions did not all run at once: at most " << ledger.peak_converting << " of "
         << deposits << " deposits were converting at the same time, so the deposits took "
         << format_duration(run.elapsed) << " instead of " << format_duration(expected.elapsed)
         << ".\nWhat you missed: hold the lock only around the read-record-write. Converting "
            "touches no shared state: do it first, without the lock, and every deposit converts "
            "at the same time. A lock held longer than needed serializes work that could "
            "overlap.\n"
         << grading::side_by_side(expected.timeline, run.timeline()) << grading::hints_pointer();
}

// What each deposit returned: the balance it wrote (nothing for the refused one).
::testing::AssertionResult returned_the_new_balances(const Deposits& deposits,
                                                     const Expected& expected,
                                                     const std::string& function) {
  if (deposits.run.error) return grading::finished(deposits.run);
  for (std::size_t i = 0; i < expected.returned.size(); ++i) {
    const Outcome& outcome = deposits.outcomes[i];
    if (!expected.returned[i]) continue;  // refused: checked by its own test
    if (outcome.returned == expected.returned[i]) continue;
    return ::testing::AssertionFailure()
           << "deposit " << i << " returned "
           << (outcome.returned ? std::to_string(*outcome.returned) : std::string("nothing"))
           << ", expected " << *expected.returned[i] << ": " << function
           << " returns the balance it wrote.\n"
           << grading::hints_pointer();
  }
  return ::testing::AssertionSuccess();
}

// Random distinct amounts (of both signs when `negative`), with zero among them when `zero`.
std::vector<int> random_amounts(int count, bool zero = false) {
  std::set<int> used;
  std::vector<int> amounts;
  if (zero) {
    amounts.push_back(0);
    used.insert(0);
  }
  while (static_cast<int>(amounts.size()) < count) {
    int amount = grading::random_int(1, 500);
    if (used.insert(amount).second) amounts.push_back(amount);
  }
  return amounts;
}

std::shared_ptr<Ledger> make_ledger(std::string owner, ch10::Account* account,
                                    const std::vector<int>& amounts, Duration convert,
                                    Duration record) {
  auto ledger = std::make_shared<Ledger>();
  ledger->owner = std::move(owner);
  ledger->account = account;
  ledger->rate = grading::random_int(2, 9);
  for (int amount : amounts) ledger->convert_time[amount] = convert;
  ledger->record_time = record;
  ledger->refusal_tag = std::to_string(grading::random_int(100, 999));
  return ledger;
}

std::vector<Order> orders_for(const std::shared_ptr<Ledger>& ledger,
                              const std::vector<int>& amounts) {
  std::vector<Order> orders;
  for (int amount : amounts) orders.push_back({ledger, amount});
  return orders;
}

const std::string locked_lesson =
    "every deposit converts from 0 s at once (outside the lock); then they take the lock one "
    "by one, in the order their conversions finished, and each reads, records and writes while "
    "holding it: each ledger line builds on the one before.";

// Everything deposit must get right, for one account.
void expect_locked_deposits(ch10::Account& account, const std::shared_ptr<Ledger>& ledger,
                            const std::vector<int>& amounts) {
  const int initial = account.balance;
  const std::vector<Order> orders = orders_for(ledger, amounts);
  const Expected expected = expected_locked(orders, {{ledger.get(), initial}});
  auto deposits = run_deposits(ch10::deposit, orders);
  const auto& run = deposits.run;
  ASSERT_TRUE(grading::finished(run));
  ASSERT_TRUE(converted_every_amount(run, *ledger, amounts, "deposit"));
  ASSERT_TRUE(
      kept_every_update(run, *ledger, amounts, expected.final_balance.at(ledger.get()), expected));
  ASSERT_TRUE(converted_outside_the_lock(run, *ledger, amounts.size(), expected));
  ASSERT_TRUE(grading::timeline_is(run, expected.timeline, locked_lesson));
  EXPECT_TRUE(grading::elapsed_is(
      run, expected.elapsed,
      "the conversions overlap, the read-record-write steps take their turns: the longest "
      "conversion at most, plus one record per deposit."));
  EXPECT_TRUE(returned_the_new_balances(deposits, expected, "deposit"));
  EXPECT_TRUE(grading::real_time_below(run, 1s));
}

}  // namespace

// ---- deposit_unlocked: the race -------------------------------------------------------------

TEST(DepositUnlocked, OneDepositReadsRecordsAndWritesTheBalance) {
  ch10::Account account;
  account.balance = grading::random_int(0, 1000);
  const int initial = account.balance;
  const int amount = grading::random_int(1, 500);
  auto ledger = make_ledger("alice", &account, {amount}, random_ms(100, 2000), random_ms(100, 900));
  const std::vector<Order> orders = orders_for(ledger, {amount});
  const Expected expected = expected_locked(orders, {{ledger.get(), initial}});
  auto deposits = run_deposits(ch10::deposit_unlocked, orders);
  ASSERT_TRUE(grading::finished(deposits.run));
  ASSERT_TRUE(converted_every_amount(deposits.run, *ledger, {amount}, "deposit_unlocked"));
  ASSERT_TRUE(grading::timeline_is(
      deposits.run, expected.timeline,
      "convert first (the credit is what bank.convert returns), then read the balance and "
      "record balance + credit; the write comes after record returns."));
  EXPECT_TRUE(grading::holds(
      account.balance == initial + ledger->credit(amount),
      "the balance went from " + std::to_string(initial) + " to " +
          std::to_string(account.balance) + ", expected " +
          std::to_string(initial + ledger->credit(amount)) +
          " (the balance before, plus what bank.convert returned): write balance + credit into "
          "account.balance once record has returned."));
  EXPECT_TRUE(returned_the_new_balances(deposits, expected, "deposit_unlocked"));
  EXPECT_TRUE(grading::elapsed_is(deposits.run, expected.elapsed,
                                  "one conversion, then one record: their durations add up."));
}

TEST(DepositUnlocked, ThreeDepositsAtOnceLoseTwoOfTheirUpdates) {
  ch10::Account account;
  account.balance = grading::random_int(0, 1000);
  const int initial = account.balance;
  const std::vector<int> amounts = random_amounts(3);
  const Duration convert = random_ms(200, 1500);
  const Duration record = random_ms(100, 900);
  auto ledger = make_ledger("alice", &account, amounts, convert, record);
  auto deposits = run_deposits(ch10::deposit_unlocked, orders_for(ledger, amounts));
  ASSERT_TRUE(grading::finished(deposits.run));
  ASSERT_TRUE(converted_every_amount(deposits.run, *ledger, amounts, "deposit_unlocked"));
  // All three read `initial` at `convert`, wait for the ledger together, and write in turn: the
  // last write wins.
  Timeline expected;
  for (int amount : amounts)
    expected.push_back({0s, "alice: converting " + std::to_string(amount)});
  for (int amount : amounts)
    expected.push_back(
        {convert, "alice: ledger " + std::to_string(initial + ledger->credit(amount))});
  const int last_write = initial + ledger->credit(amounts.back());
  int all_kept = initial;
  for (int amount : amounts) all_kept += ledger->credit(amount);
  if (account.balance == all_kept) {
    ASSERT_TRUE(grading::holds(
        false, "deposit_unlocked kept every update (the balance ended at " +
                   std::to_string(all_kept) +
                   "): the three deposits waited for each other. deposit_unlocked is the version "
                   "WITHOUT the lock, written to watch the race: read, co_await record, write, "
                   "nothing else. Keep the lock for deposit.\n" +
                   grading::side_by_side(expected, deposits.run.timeline())));
  }
  ASSERT_TRUE(grading::timeline_is(
      deposits.run, expected,
      "without a lock, the three deposits all read the balance (" + std::to_string(initial) +
          ") after converting, and all ask the ledger to record their own balance + credit at "
          "the same moment: none of them sees the others' credits."));
  EXPECT_TRUE(grading::holds(
      account.balance == last_write,
      "the balance ended at " + std::to_string(account.balance) + ", expected " +
          std::to_string(last_write) +
          " (the last deposit's write, which overwrites the two before it): each deposit writes "
          "the balance it read plus its own credit."));
  EXPECT_TRUE(grading::elapsed_is(deposits.run, convert + record,
                                  "without a lock nothing waits: one conversion plus one record."));
}

// ---- deposit: the lock ----------------------------------------------------------------------

TEST(Deposit, OneDepositAddsWhatTheBankConverted) {
  for (int amount : {0, -grading::random_int(1, 300), grading::random_int(1, 300)}) {
    SCOPED_TRACE("a deposit of " + std::to_string(amount));
    ch10::Account account;
    account.balance = grading::random_int(0, 1000);
    auto ledger =
        make_ledger("alice", &account, {amount}, random_ms(100, 2000), random_ms(100, 900));
    expect_locked_deposits(account, ledger, {amount});
    if (HasFailure()) return;
  }
}

TEST(Deposit, ConcurrentDepositsKeepEveryUpdate) {
  for (int round = 0; round < 2; ++round) {
    ch10::Account account;
    account.balance = grading::random_int(0, 1000);
    const std::vector<int> amounts = random_amounts(grading::random_int(3, 8), round == 0);
    auto ledger =
        make_ledger("alice", &account, amounts, random_ms(200, 1500), random_ms(100, 900));
    SCOPED_TRACE(std::to_string(amounts.size()) + " deposits at once");
    expect_locked_deposits(account, ledger, amounts);
    if (HasFailure()) return;
  }
}

TEST(Deposit, ConversionsOverlapOnlyTheReadRecordWriteTakesTurns) {
  // Conversions of different lengths: the lock goes to the deposits as their conversions end.
  ch10::Account account;
  account.balance = grading::random_int(0, 1000);
  const std::vector<int> amounts = random_amounts(grading::random_int(4, 7));
  auto ledger = make_ledger("alice", &account, amounts, 0s, random_ms(200, 600));
  for (int amount : amounts) ledger->convert_time[amount] = random_ms(100, 3000);
  expect_locked_deposits(account, ledger, amounts);
}

TEST(Deposit, DepositsToDifferentAccountsDoNotWaitForEachOther) {
  // alice records at 1.0, 1.5, 2.0 s; bob at 1.25, 1.55, 1.85, 2.15 s: one lock per account.
  ch10::Account alice_account;
  ch10::Account bob_account;
  alice_account.balance = grading::random_int(0, 1000);
  bob_account.balance = grading::random_int(0, 1000);
  const std::vector<int> alice_amounts = random_amounts(3);
  const std::vector<int> bob_amounts = random_amounts(4);
  auto alice = make_ledger("alice", &alice_account, alice_amounts, 1s, 500ms);
  auto bob = make_ledger("bob", &bob_account, bob_amounts, 1250ms, 300ms);
  // Interleaved: alice, bob, alice, bob, alice, bob, bob.
  std::vector<Order> orders;
  for (std::size_t i = 0; i < 4; ++i) {
    if (i < alice_amounts.size()) orders.push_back({alice, alice_amounts[i]});
    orders.push_back({bob, bob_amounts[i]});
  }
  const Expected expected = expected_locked(
      orders, {{alice.get(), alice_account.balance}, {bob.get(), bob_account.balance}});
  auto deposits = run_deposits(ch10::deposit, orders);
  const auto& run = deposits.run;
  ASSERT_TRUE(grading::finished(run));
  ASSERT_TRUE(kept_every_update(run, *alice, alice_amounts, expected.final_balance.at(alice.get()),
                                expected));
  ASSERT_TRUE(
      kept_every_update(run, *bob, bob_amounts, expected.final_balance.at(bob.get()), expected));
  // Did a record of alice's ever overlap with one of bob's?
  bool overlapped = false;
  for (const auto& a : alice->records)
    for (const auto& b : bob->records)
      if (a.at < b.done && b.at < a.done) overlapped = true;
  ASSERT_TRUE(grading::holds(
      overlapped,
      "alice's and bob's deposits never recorded at the same time: deposits to different "
      "accounts waited for each other, and took " +
          format_duration(run.elapsed) + " instead of " + format_duration(expected.elapsed) +
          ".\nWhat you missed: each Account has its own mutex (account.mutex), guarding its own "
          "balance. Lock that one: a lock shared by all accounts (a static or global mutex) "
          "makes every deposit wait for every other.\n" +
          grading::side_by_side(expected.timeline, run.timeline())));
  ASSERT_TRUE(grading::timeline_is(run, expected.timeline,
                                   "each account's deposits take turns on that account's lock; "
                                   "the two accounts do not wait for each other."));
  EXPECT_TRUE(grading::elapsed_is(run, expected.elapsed,
                                  "the two accounts overlap: the total is the busier account's "
                                  "(alice: 1 s + 3 x 0.5 s), not the sum."));
  EXPECT_TRUE(returned_the_new_balances(deposits, expected, "deposit"));
}

TEST(Deposit, ARefusedRecordLeavesTheBalanceAndUnlocksAtOnce) {
  ch10::Account account;
  account.balance = grading::random_int(0, 1000);
  const int initial = account.balance;
  const std::vector<int> amounts = random_amounts(grading::random_int(3, 5));
  auto ledger = make_ledger("alice", &account, amounts, random_ms(200, 1500), random_ms(200, 800));
  const std::size_t refused = static_cast<std::size_t>(
      grading::random_int(0, static_cast<int>(amounts.size()) - 2));  // someone comes after it
  ledger->refuse.insert(refused);
  const std::vector<Order> orders = orders_for(ledger, amounts);
  const Expected expected = expected_locked(orders, {{ledger.get(), initial}});
  auto deposits = run_deposits(ch10::deposit, orders);
  const auto& run = deposits.run;
  // The refusal came, then the others never recorded: the lock stayed taken.
  const Entry* refusal = ledger->records.size() > refused && ledger->records[refused].refused
                             ? &ledger->records[refused]
                             : nullptr;
  if (run.error && refusal && ledger->records.size() < amounts.size()) {
    ASSERT_TRUE(grading::holds(
        false, "after the ledger refused " + std::to_string(refusal->new_balance) + " at " +
                   format_duration(refusal->done) + ", the other deposits never recorded: " +
                   std::to_string(amounts.size() - ledger->records.size()) +
                   " of them waited for the account forever, so the account stayed locked.\nWhat "
                   "you missed: take the lock as an RAII guard (auto guard = co_await "
                   "account.mutex.lock();): it unlocks when its scope ends, also when record "
                   "throws. A flag or a lock you release by hand is skipped by the exception.\n"
                   "How the run ended: " +
                   grading::explain_error(run.error)));
  }
  ASSERT_TRUE(grading::finished(run));
  ASSERT_TRUE(converted_every_amount(run, *ledger, amounts, "deposit"));
  // Which order was refused? The refused record call is the refused-th to take the lock.
  std::size_t refused_order = amounts.size();
  for (std::size_t i = 0; i < amounts.size(); ++i)
    if (!expected.returned[i]) refused_order = i;
  const Outcome& outcome = deposits.outcomes[refused_order];
  ASSERT_TRUE(grading::holds(
      outcome.refused == ledger->refusal(refusal ? refusal->new_balance : 0),
      outcome.returned
          ? "the ledger refused to record the deposit of " +
                std::to_string(amounts[refused_order]) + ", but deposit returned normally (" +
                std::to_string(*outcome.returned) +
                ").\nWhat you missed: when bank.record throws, deposit fails with that same "
                "exception: do not catch it (the guard unlocks on the way out without your help)."
          : "the deposit whose record was refused did not fail with the ledger's exception."));
  ASSERT_TRUE(grading::holds(
      account.balance == expected.final_balance.at(ledger.get()),
      "the balance ended at " + std::to_string(account.balance) + ", expected " +
          std::to_string(expected.final_balance.at(ledger.get())) +
          ": the sum of the deposits the ledger recorded. A deposit whose record throws must not "
          "change the balance: write it only after record has returned.\n" +
          grading::side_by_side(expected.timeline, run.timeline())));
  ASSERT_TRUE(grading::timeline_is(
      run, expected.timeline,
      "the refused deposit unlocks the account at the instant its record throws: the next "
      "deposit in line records right then, from the balance as it was before the refused one."));
  EXPECT_TRUE(grading::elapsed_is(run, expected.elapsed,
                                  "a refused record frees the lock at once: nothing waits "
                                  "longer because of it."));
  EXPECT_TRUE(returned_the_new_balances(deposits, expected, "deposit"));
}
