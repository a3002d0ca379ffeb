using System.Globalization;
using Verify.Model.Analysis;
using Verify.Model.Data;
using Verify.Model.Networks;
using Verify.Model.Training;
using static TorchSharp.torch;

namespace Verify.Model.Claims;

/// <summary>
/// One training run's coverage history: for each lowest-layer teacher node, the first epoch at
/// which max_k rho_jk &gt; tau on the analysis inputs (null: never within the run), and the teacher's
/// fan-out norms ||v*_j||.
/// </summary>
public sealed record CoverageTimeline(long Seed, int?[] FirstCoveredEpoch, double[] TeacherFanOutNorms, int EpochsRun)
{
    /// <summary>First-covered epoch with "never" ranked after every epoch of the run.</summary>
    public double[] EpochOrNever => FirstCoveredEpoch.Select(e => (double)(e ?? EpochsRun + 1)).ToArray();
}

/// <summary>
/// Claim 5 (strong teachers first): the epoch at which a teacher node is first covered grows with its
/// fan-out weakness 1 / ||v*_j||. Per seed, the Spearman correlation between weakness and
/// first-covered epoch is a success when positive; over seeds, a one-sided sign test against the
/// null "success probability 1/2" (no ordering) must reach significance alpha. Fewer seeds than
/// <see cref="Statistics.MinimumTrials"/> cannot reach it: inconclusive.
/// </summary>
public static class StrongTeachersFirstClaim
{
    public const string Name = "strong teachers first";

    /// <summary>Trains <paramref name="student"/> and records when each teacher is first covered on <paramref name="analysisInputs"/>.</summary>
    public static CoverageTimeline Record(RectifiedNetwork teacher, RectifiedNetwork student, Dataset train, Tensor analysisInputs,
        SgdOptions options, long seed, double tau = 0.95)
    {
        var first = new int?[teacher.HiddenWidths[0]];
        var result = SgdTrainer.Train(student, train, options, seed, epoch =>
        {
            var best = Specialization.Analyze(teacher, student, analysisInputs).BestCorrelationPerTeacher;
            for (var j = 0; j < best.Length; j++)
                if (first[j] is null && best[j] > tau) first[j] = epoch.Epoch;
        });
        var norms = Specialization.Analyze(teacher, student, analysisInputs).TeacherFanOutNorms;
        return new CoverageTimeline(seed, first, norms, result.EpochsRun);
    }

    /// <summary>
    /// The verdict over <paramref name="runs"/>. <paramref name="weakness"/> maps a run to one
    /// weakness per teacher (default 1 / ||v*_j||); the negative control passes the reverse.
    /// </summary>
    public static ClaimOutcome Judge(IReadOnlyList<CoverageTimeline> runs, double alpha = 0.05, Func<CoverageTimeline, double[]>? weakness = null)
    {
        weakness ??= DefaultWeakness;
        var rhos = runs.Select(r => Statistics.Spearman(weakness(r), r.EpochOrNever)).ToArray();
        var successes = rhos.Count(r => r > 0);
        var needed = Statistics.MinimumTrials(alpha);
        var pValue = Statistics.BinomialUpperTail(successes, runs.Count, 0.5);
        var verdict = runs.Count < needed ? Verdict.Inconclusive : pValue <= alpha ? Verdict.Holds : Verdict.Fails;
        var perSeed = string.Join("; ", runs.Zip(rhos, (r, rho) => string.Create(CultureInfo.InvariantCulture,
            $"seed {r.Seed}: rho {rho:0.##}, epochs [{string.Join(", ", r.FirstCoveredEpoch.Select(e => e?.ToString(CultureInfo.InvariantCulture) ?? "never"))}]")));
        var evidence = string.Create(CultureInfo.InvariantCulture,
            $"{successes}/{runs.Count} seeds with positive rank correlation between weakness and first-covered epoch " +
            $"(sign-test p = {pValue:G3}, alpha = {alpha}, at least {needed} seeds needed); per seed {perSeed}");
        return new ClaimOutcome(Name, verdict, evidence, new Dictionary<string, double>
        {
            ["seeds"] = runs.Count,
            ["successes"] = successes,
            ["p value"] = pValue,
            ["mean rank correlation"] = rhos.Where(double.IsFinite).DefaultIfEmpty(double.NaN).Average(),
            ["seeds needed"] = needed,
        })
        { ConclusionObserved = pValue <= alpha };
    }

    static double[] DefaultWeakness(CoverageTimeline run) => run.TeacherFanOutNorms.Select(n => 1 / Math.Max(n, 1e-300)).ToArray();
}
