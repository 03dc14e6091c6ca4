#pragma once
// Flags from several sources, as flagd's store holds them (core/pkg/store, flagd v0.16): each
// source is one flag definition (for Cutover, one FeatureFlag, named as flagd's Kubernetes sync
// names it: `core.openfeature.dev/<namespace>/<name>`), and sources have priorities.
//
// - A flag is identified by its flag set and key. Its flag set is `metadata.flagSetId` (a
//   string) of the flag, else of its definition, else none.
// - With no selector, a key defined by several sources resolves to the one of highest
//   priority (flagd: the later `--uri`; here: the later source given to the constructor).
//   A single evaluation then picks among all flag sets too; a bulk evaluation keeps one flag
//   per (flag set, key).
// - A selector (flagd's `Flagd-Selector` header) narrows to one source or one flag set:
//   `core.openfeature.dev/ns/name` or `source=...`, and `flagSetId=ID` (`flagSetId=` means
//   "flags of no flag set").
//
// Immutable once built, so any number of threads read one snapshot; the server swaps in a new
// one when a FeatureFlag changes.

#include <cstdint>
#include <expected>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "flags/flag_definition.hpp"

namespace cutover::flags {

/// One source's flags. `name` is how a selector names it.
struct FlagSource {
  std::string name;
  FlagSet flags;
};

/// flagd's selector expression.
struct FlagSelector {
  std::optional<std::string> source;
  std::optional<std::string> flag_set_id;  // "" selects flags of no flag set

  [[nodiscard]] bool empty() const { return !source && !flag_set_id; }
  /// The metadata flagd answers with for this selector: {"source": ..., "flagSetId": ...}
  /// (the members that are set and not empty).
  [[nodiscard]] Json metadata() const;
};

/// Parses a `Flagd-Selector` value: "" (none), `NAME` (a source), `source=NAME`,
/// `flagSetId=ID`. Another key is refused with a sentence naming the header and the keys it
/// accepts (flagd would fail the query).
std::expected<FlagSelector, std::string> parse_flag_selector(std::string_view expression);

class FlagSnapshot {
 public:
  FlagSnapshot() = default;
  /// `sources` in ascending priority: on a clash, the later source wins. Sources are shared
  /// (immutable): a new snapshot after one FeatureFlag changed re-parses only that one.
  explicit FlagSnapshot(std::vector<std::shared_ptr<const FlagSource>> sources);

  /// A flag found: the flag set it is evaluated in (for its metadata) and its key. It points
  /// into the snapshot's sources: valid while the snapshot (or a copy of it) lives.
  struct Entry {
    const FlagSet* flags = nullptr;
    const Flag* flag = nullptr;
    std::string_view flag_set_id;
    std::size_t priority = 0;
  };

  /// The flag a single evaluation of `key` uses, or nullopt (FLAG_NOT_FOUND).
  [[nodiscard]] std::optional<Entry> find(std::string_view key,
                                          const FlagSelector& selector = {}) const;
  /// Every flag a bulk evaluation answers for: one per (flag set, key), the highest priority
  /// kept, ordered by flag set then key.
  [[nodiscard]] std::vector<Entry> all(const FlagSelector& selector = {}) const;

  [[nodiscard]] const std::vector<std::shared_ptr<const FlagSource>>& sources() const {
    return sources_;
  }
  /// How many flags (of every source) the snapshot holds.
  [[nodiscard]] std::size_t flag_count() const { return entries_.size(); }

 private:
  [[nodiscard]] bool selected(const Entry& entry, const FlagSelector& selector) const;

  std::vector<std::shared_ptr<const FlagSource>> sources_;
  std::vector<Entry> entries_;  // every flag of every source, ordered by key then priority
};

/// The flag set a flag belongs to: its own metadata's `flagSetId`, else its set's, else "".
std::string_view flag_set_id_of(const Flag& flag, const FlagSet& flags);

}  // namespace cutover::flags
