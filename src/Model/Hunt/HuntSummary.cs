using System.Globalization;
using Verify.Model.Analysis;
using Verify.Model.Claims;

namespace Verify.Model.Hunt;

/// <summary>The cases of one family and activation (relu or leaky), and the smallest margin among its conclusive cases (null with none).</summary>
public sealed record HuntFamilyRow(string Family, string Activation, int Tried, int Conclusive, int Fails, double? MinMargin);

/// <summary>The cases of one stream: how many, how many were guided, and after how many cases the first failure came (null: none).</summary>
public sealed record HuntStreamRow(string Stream, int Tried, int Guided, int Fails, int? CasesToFirstFailure);

/// <summary>A failure with its shrink and the command lines that re-judge it and its smallest form.</summary>
public sealed record HuntFailure(HuntRecord Record, ShrinkState Shrink, string Replay, string ReplaySmallest);

/// <summary>
/// What a hunt's database says, for the report: cases tried (search cases; shrink candidates are
/// counted apart), conclusive cases, failures, the Clopper-Pearson 95% upper bound on the failure
/// rate over every conclusive case, the mix by family, activation and stream, and each failure with
/// its shrink and replay.
/// </summary>
public sealed record HuntSummary(
    HuntIdentity Hunt, int Tried, int Conclusive, int Holds, int Fails, int Inconclusive, double? FailureRateUpper95,
    IReadOnlyList<string> InconclusiveReasons, IReadOnlyList<HuntFamilyRow> Families, IReadOnlyList<HuntStreamRow> Streams,
    IReadOnlyList<HuntFailure> Failures, int ShrinkCandidates, double? MinMargin, double Seconds)
{
    /// <summary>
    /// The random draws alone: conclusive, failing, and the Clopper-Pearson 95% upper bound on their failure rate. The guided
    /// cases are drawn where the claim came closest to failing, so the bound over every case says how much was searched,
    /// while this one bounds the rate on the families' own distribution (the theorem checks').
    /// </summary>
    public (int Conclusive, int Fails, double? Upper95) RandomDraws { get; init; }

    /// <summary>The command that re-judges one case of a hunt.</summary>
    public static string ReplayCommand(HuntIdentity hunt, HuntCase c) =>
        $"verify hunt {hunt.Claim} --reading {hunt.Reading.ToString().ToLowerInvariant()} --replay {c}";

    public static HuntSummary Of(HuntIdentity hunt, IReadOnlyList<HuntRecord> records)
    {
        var search = records.Where(r => r.IsSearch).OrderBy(r => r.Stream, StringComparer.Ordinal).ThenBy(r => r.Index).ToArray();
        var conclusive = search.Where(r => r.Verdict != Verdict.Inconclusive).ToArray();
        var fails = search.Count(r => r.Verdict == Verdict.Fails);
        var judged = HuntRunner.Judged(records);
        var families = search.GroupBy(r => (r.Family, Activation: r.Problem.Leak == 0 ? "relu" : "leaky"))
            .OrderBy(g => g.Key.Family, StringComparer.Ordinal).ThenBy(g => g.Key.Activation, StringComparer.Ordinal)
            .Select(g => new HuntFamilyRow(g.Key.Family, g.Key.Activation, g.Count(), g.Count(r => r.Verdict != Verdict.Inconclusive),
                g.Count(r => r.Verdict == Verdict.Fails), g.Where(r => r.Margin is not null).Select(r => r.Margin).Min())).ToArray();
        var streams = search.GroupBy(r => r.Stream).Select(g =>
        {
            var firstFail = g.Where(r => r.Verdict == Verdict.Fails).Select(r => (int?)r.Index).Min();
            return new HuntStreamRow(g.Key, g.Count(), g.Count(r => r.Origin == HuntSearch.Guided), g.Count(r => r.Verdict == Verdict.Fails), firstFail + 1);
        }).ToArray();
        var failures = search.Where(r => r.Verdict == Verdict.Fails).Select(r =>
        {
            var shrink = HuntShrink.Replay(r, judged);
            return new HuntFailure(r, shrink, ReplayCommand(hunt, r.Case), ReplayCommand(hunt, shrink.Smallest));
        }).ToArray();
        var reasons = search.Where(r => r.Verdict == Verdict.Inconclusive).GroupBy(r => Shorten(r.Reason ?? "precondition not reached"))
            .OrderByDescending(g => g.Count()).Select(g => string.Create(CultureInfo.InvariantCulture, $"{g.Count()} x {g.Key}")).ToArray();
        var random = conclusive.Where(r => r.Origin == HuntSearch.Random).ToArray();
        var randomFails = random.Count(r => r.Verdict == Verdict.Fails);
        return new HuntSummary(hunt, search.Length, conclusive.Length, conclusive.Length - fails, fails, search.Length - conclusive.Length,
            conclusive.Length == 0 ? null : Statistics.ClopperPearson(fails, conclusive.Length).High, reasons, families, streams, failures,
            records.Count(r => !r.IsSearch), conclusive.Where(r => r.Margin is not null).Select(r => r.Margin).Min(), records.Sum(r => r.Seconds))
        {
            RandomDraws = (random.Length, randomFails, random.Length == 0 ? null : Statistics.ClopperPearson(randomFails, random.Length).High),
        };
    }

    /// <summary>An inconclusive reason without its training details (step counts and losses differ case by case).</summary>
    static string Shorten(string reason)
    {
        var colon = reason.IndexOf(": ", StringComparison.Ordinal);
        return reason.StartsWith("precondition not reached", StringComparison.Ordinal) && colon > 0 ? reason[..colon] : reason;
    }
}
