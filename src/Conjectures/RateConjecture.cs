using System.Globalization;
using NUnit.Framework;
using Verify.Model.Analysis;
using Verify.Model.Runtime;

namespace Verify.Conjectures;

/// <summary>What one trial showed: whether the event happened, or null when the trial is inconclusive (with the reason).</summary>
public readonly record struct Observation(bool? Event, string? Reason = null)
{
    public static Observation Inconclusive(string reason) => new(null, reason);
}

/// <summary>
/// How often an event happened in one group of trials: events among the conclusive trials, with the Clopper-Pearson 95%
/// interval of the rate. Inconclusive trials are counted apart and never enter the rate.
/// </summary>
public sealed record GroupRate(string Group, int Drawn, int Conclusive, int Events, double Low, double High, IReadOnlyList<string> InconclusiveReasons)
{
    /// <summary>Events / conclusive; NaN with no conclusive trial.</summary>
    public double Rate => Conclusive == 0 ? double.NaN : (double)Events / Conclusive;

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Group}: the event in {Events} of {Conclusive} conclusive trials ({100 * Rate:F1}%, 95% [{100 * Low:F1}%, {100 * High:F1}%]); {Drawn - Conclusive} of {Drawn} inconclusive")
        + (InconclusiveReasons.Count == 0 ? "" : $" ({string.Join("; ", InconclusiveReasons)})");
}

/// <summary>The rates of every group of a measurement, by group.</summary>
public sealed class RateTable<TGroup> where TGroup : notnull
{
    readonly Dictionary<TGroup, GroupRate> rates;

    internal RateTable(string @event, long runSeed, IEnumerable<(TGroup Group, GroupRate Rate)> rows)
    {
        Event = @event;
        RunSeed = runSeed;
        Rows = rows.ToArray();
        rates = Rows.ToDictionary(r => r.Group, r => r.Rate);
    }

    public string Event { get; }
    public long RunSeed { get; }
    public IReadOnlyList<(TGroup Group, GroupRate Rate)> Rows { get; }

    public GroupRate this[TGroup group] => rates.TryGetValue(group, out var r) ? r
        : throw new KeyNotFoundException($"No group {group} was measured; the groups are {string.Join(", ", rates.Keys)}.");

    /// <summary>True when group a's rate is above group b's with the two 95% intervals apart.</summary>
    public bool Above(TGroup a, TGroup b) => this[a].Low > this[b].High;

    public override string ToString() =>
        $"how often {Event}, run seed {RunSeed}:{Environment.NewLine}  " + string.Join(Environment.NewLine + "  ", Rows.Select(r => r.Rate));
}

/// <summary>
/// A conjecture about how often something happens, over cases of any type: each group (a configuration) draws its
/// trials from named seed streams of one run seed (<c>Seeds.Of(runSeed, "event/group", i)</c>), runs them on all cores,
/// and counts the events among the conclusive trials; the claim is a statement about the groups' rates and their
/// Clopper-Pearson 95% intervals. Inconclusive trials never count, and every group must reach a minimum of conclusive
/// trials before the claim is judged, so a claim cannot pass on no evidence.
/// </summary>
/// <param name="Event">The event in words ("gradient descent ends at a spurious local minimum").</param>
/// <param name="Draw">A case of a group from its seed.</param>
/// <param name="Observe">Runs a case and says whether the event happened (null: inconclusive).</param>
public sealed record RateConjecture<TGroup, TCase>(string Event, Func<TGroup, long, TCase> Draw, Func<TCase, Observation> Observe)
    where TGroup : notnull
{
    /// <summary>Measures <paramref name="trials"/> trials of each group, drawn from <paramref name="runSeed"/>.</summary>
    public RateTable<TGroup> Measure(IReadOnlyList<TGroup> groups, int trials, long runSeed)
    {
        if (groups.Count == 0) throw new ArgumentException("A rate needs at least one group.", nameof(groups));
        if (trials < 1) throw new ArgumentOutOfRangeException(nameof(trials), trials, "A rate needs at least one trial per group.");
        var rows = groups.Select(group =>
        {
            var stream = $"{Event}/{group}";
            var seen = new Observation[trials];
            Parallel.For(0, trials, i => seen[i] = Observe(Draw(group, Seeds.Of(runSeed, stream, i))));
            var conclusive = seen.Count(o => o.Event is not null);
            var events = seen.Count(o => o.Event == true);
            var (low, high) = conclusive == 0 ? (0.0, 1.0) : Statistics.ClopperPearson(events, conclusive);
            var reasons = seen.Where(o => o.Event is null).GroupBy(o => o.Reason ?? "inconclusive")
                .Select(g => string.Create(CultureInfo.InvariantCulture, $"{g.Count()} x {g.Key}")).ToArray();
            return (group, new GroupRate(group.ToString() ?? "", trials, conclusive, events, low, high, reasons));
        }).ToArray();
        return new RateTable<TGroup>(Event, runSeed, rows);
    }

    /// <summary>
    /// The test: measures the groups from the run seed (<see cref="RunSeed"/>), prints the table and the replay line,
    /// fails when a group has fewer than <paramref name="minConclusive"/> conclusive trials (too little evidence to judge),
    /// and fails when <paramref name="holds"/> is false of the rates.
    /// </summary>
    public RateTable<TGroup> Claims(string statement, IReadOnlyList<TGroup> groups, int trials, int minConclusive, Func<RateTable<TGroup>, bool> holds)
    {
        if (minConclusive < 1 || minConclusive > trials)
            throw new ArgumentOutOfRangeException(nameof(minConclusive), minConclusive, $"Need 1 <= minConclusive <= trials ({trials}).");
        var table = Measure(groups, trials, RunSeed.Value);
        TestContext.Out.WriteLine(table);
        TestContext.Out.WriteLine($"replay: {RunSeed.Replay}");
        var thin = table.Rows.Where(r => r.Rate.Conclusive < minConclusive).Select(r => r.Rate.Group).ToArray();
        if (thin.Length > 0)
            Assert.Fail($"too few conclusive trials to judge '{statement}': {string.Join(", ", thin)} below {minConclusive}.{Environment.NewLine}{table}{Environment.NewLine}replay: {RunSeed.Replay}");
        if (!holds(table))
            Assert.Fail($"conjecture refuted: {statement}.{Environment.NewLine}{table}{Environment.NewLine}replay: {RunSeed.Replay}");
        return table;
    }
}

/// <summary>Builds a <see cref="RateConjecture{TGroup, TCase}"/> with its types inferred.</summary>
public static class RateConjecture
{
    /// <summary>How often <paramref name="event"/> happens, over cases drawn by <paramref name="draw"/> and judged by <paramref name="observe"/>.</summary>
    public static RateConjecture<TGroup, TCase> Of<TGroup, TCase>(string @event, Func<TGroup, long, TCase> draw, Func<TCase, Observation> observe)
        where TGroup : notnull => new(@event, draw, observe);
}
