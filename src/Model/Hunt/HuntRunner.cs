using System.Diagnostics;
using Verify.Model.Claims;
using Verify.Model.Training;

namespace Verify.Model.Hunt;

/// <summary>What one run of a hunt did.</summary>
/// <param name="Searched">Search cases judged by this run.</param>
/// <param name="Shrunk">Shrink candidates judged by this run.</param>
/// <param name="Stopped">Why it stopped: "budget" (the case budget reached and every failure shrunk), "time" or "cancelled".</param>
/// <param name="StreamCases">Search cases of the stream in the database now.</param>
public sealed record HuntRunReport(int Searched, int Shrunk, string Stopped, int StreamCases);

/// <summary>
/// Runs a hunt on one stream until its budget is spent: rounds of proposals (<see cref="HuntSearch"/>)
/// judged side by side, each case written to the database as soon as it is judged, and, between
/// rounds, one step of shrinking the stream's failures (<see cref="HuntShrink"/>). Everything it
/// decides is recomputed from the database, so a run interrupted anywhere (cancelled, out of time,
/// killed) is continued by the next run with nothing judged twice and nothing lost but the cases
/// that were being judged.
/// </summary>
public static class HuntRunner
{
    /// <summary>
    /// Hunts <paramref name="target"/> on <paramref name="stream"/> into <paramref name="db"/> (bound to the hunt) until
    /// <paramref name="budget"/> is spent or <paramref name="cancel"/> is set. A case budget counts the stream's search
    /// cases in the database; once reached, the run shrinks the failures to the end. A time budget is this run's: no case
    /// starts after it (running ones finish). <paramref name="onRecord"/> sees every record written.
    /// </summary>
    public static HuntRunReport Run(HuntTarget target, HuntStream stream, HuntBudget budget, HuntDatabase db, HuntSettings? settings = null,
        CancellationToken cancel = default, Action<HuntRecord>? onRecord = null)
    {
        settings ??= new HuntSettings();
        settings.Validate();
        var hunt = db.Identity ?? throw new InvalidOperationException("Bind the database to its hunt first.");
        if (hunt.Claim != target.Claim || hunt.Reading != target.Reading)
            throw new ArgumentException($"The database holds the hunt of {hunt}, not of {target}.", nameof(db));
        var clock = Stopwatch.StartNew();
        bool OutOfTime() => budget.Time is { } t && clock.Elapsed >= t;
        bool Stop() => cancel.IsCancellationRequested || OutOfTime();
        var limit = budget.Cases ?? int.MaxValue;
        int searched = 0, shrunk = 0;
        var lastWasSearch = false;

        HuntRecord? Judge(HuntProposal p, string kind, int index)
        {
            if (Stop()) return null;
            var started = Stopwatch.StartNew();
            HuntJudgement judgement;
            try { judgement = target.Judge(p.Case.Problem, target.Family(p.Case.Family)); }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                judgement = new HuntJudgement(Verdict.Inconclusive, double.NaN, $"the case could not be judged: {e.GetType().Name}: {e.Message}", p.Case.ToString());
            }
            var record = HuntRecord.Of(hunt, stream, kind, index, p.Origin, p.Parent, p.Case, judgement, started.Elapsed.TotalSeconds);
            if (db.Add(record)) onRecord?.Invoke(record);
            return record;
        }

        while (!Stop())
        {
            var records = db.Records;
            var search = records.Where(r => r.IsSearch && r.Stream == stream.Name).ToArray();
            var present = search.Select(r => r.Index).ToHashSet();
            var missing = Enumerable.Range(0, Math.Min(limit, present.Count + 1)).Where(i => !present.Contains(i)).Cast<int?>().FirstOrDefault();
            var pending = PendingShrink(search, records, settings);
            if (pending is not null && (lastWasSearch || missing is null))
            {
                var batch = pending.Next.Select(c => new HuntProposal(pending.Failure.Index, "shrink", pending.Failure.Index, c)).ToArray();
                var done = TrialRunner.RunAll(batch, p => Judge(p, HuntRecord.ShrinkKind, p.Index), settings.Workers);
                shrunk += done.Count(r => r is not null);
                lastWasSearch = false;
                continue;
            }
            if (missing is not { } first) return new HuntRunReport(searched, shrunk, "budget", search.Length);
            var start = first / settings.RoundSize * settings.RoundSize;
            var indices = Enumerable.Range(start, Math.Min(settings.RoundSize, limit - start)).Where(i => !present.Contains(i)).ToArray();
            var history = search.Where(r => r.Index < start).OrderBy(r => r.Index).ToArray();
            var proposals = HuntSearch.Propose(target, stream, settings, history, indices);
            var judged = TrialRunner.RunAll(proposals, p => Judge(p, HuntRecord.SearchKind, p.Index), settings.Workers);
            searched += judged.Count(r => r is not null);
            lastWasSearch = true;
        }
        var final = db.Records.Count(r => r.IsSearch && r.Stream == stream.Name);
        return new HuntRunReport(searched, shrunk, cancel.IsCancellationRequested ? "cancelled" : "time", final);
    }

    /// <summary>The first failure of the stream (within the shrink limit) whose shrink is not complete; null when none.</summary>
    static ShrinkState? PendingShrink(IReadOnlyList<HuntRecord> search, IReadOnlyList<HuntRecord> all, HuntSettings settings)
    {
        var failures = search.Where(r => r.Verdict == Verdict.Fails).OrderBy(r => r.Index).Take(settings.ShrinkLimit ?? int.MaxValue).ToArray();
        if (failures.Length == 0) return null;
        var judged = Judged(all);
        return failures.Select(f => HuntShrink.Replay(f, judged)).FirstOrDefault(s => !s.Complete);
    }

    /// <summary>Every judged case of the database by its key (the first judgement where a case was judged twice).</summary>
    public static IReadOnlyDictionary<string, HuntRecord> Judged(IReadOnlyList<HuntRecord> records)
    {
        var judged = new Dictionary<string, HuntRecord>();
        foreach (var r in records) judged.TryAdd(r.Case.Key, r);
        return judged;
    }
}
