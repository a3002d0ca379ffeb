using Verify.Model.Claims;
using Verify.Model.Protocols;

namespace Verify.Model.Hunt;

/// <summary>
/// Where the shrinking of one failure stands: the smallest failing case reached, how many times a
/// smaller candidate was taken, whether it is done (no candidate of the smallest case fails), and
/// otherwise the candidates to judge next.
/// </summary>
/// <param name="Failure">The failure found by the search.</param>
/// <param name="Smallest">The smallest case that still fails (the failure itself before any step).</param>
/// <param name="SmallestRecord">Its judgement.</param>
/// <param name="Steps">Smaller candidates taken.</param>
/// <param name="Judged">Candidates judged while shrinking this failure (found in the database).</param>
/// <param name="Next">Candidates to judge before the next step can be decided; empty when done.</param>
public sealed record ShrinkState(HuntRecord Failure, HuntCase Smallest, HuntRecord SmallestRecord, int Steps, int Judged, IReadOnlyList<HuntCase> Next)
{
    public bool Complete => Next.Count == 0;
}

/// <summary>
/// Shrinks a failure by the rule of the property tests (<see cref="SmallProblemShrinker"/>, as FsCheck
/// walks it): the candidates of the smallest failing case are judged in order, the first that fails
/// (an inconclusive one is not a counterexample) becomes the smallest, and shrinking ends when none
/// fails. The walk is replayed from the judged cases in the database, so an interrupted shrink goes on
/// where it stopped and nothing is judged twice.
/// </summary>
public static class HuntShrink
{
    /// <summary>The state of <paramref name="failure"/>'s shrink given every judged case by its key (<see cref="HuntCase.Key"/>).</summary>
    public static ShrinkState Replay(HuntRecord failure, IReadOnlyDictionary<string, HuntRecord> judged)
    {
        var smallest = failure;
        var steps = 0;
        var seen = 0;
        while (true)
        {
            var need = new List<HuntCase>();
            HuntRecord? taken = null;
            foreach (var candidate in Candidates(smallest.Case))
            {
                if (!judged.TryGetValue(candidate.Key, out var record))
                {
                    need.Add(candidate);
                    continue;
                }
                seen++;
                if (record.Verdict != Verdict.Fails) continue;
                if (need.Count == 0) taken = record;
                break; // the candidates before it must be judged first: the first failing one in order is taken
            }
            if (taken is null) return new ShrinkState(failure, smallest.Case, smallest, steps, seen, need);
            smallest = taken;
            steps++;
        }
    }

    /// <summary>
    /// The candidates of one step, in the shrinker's order, each once, at the failure's depth: the depth names the claim
    /// (claim 1 at three or four layers is not claim 1 at two), so a hunt never shrinks a deep case into another claim's.
    /// </summary>
    public static IReadOnlyList<HuntCase> Candidates(HuntCase c) =>
        SmallProblemShrinker.Candidates(c.Problem).Where(p => p.Depth == c.Problem.Depth)
            .Select(p => new HuntCase(c.Family, p)).DistinctBy(x => x.Key).ToArray();
}
