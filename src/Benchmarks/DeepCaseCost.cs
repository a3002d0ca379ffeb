using System.Diagnostics;
using Verify.Model.Protocols;

using Verify.Model;
namespace Verify.Benchmarks;

/// <summary>
/// What one conclusive deep case of claim 1 costs on this machine: three-layer cases of the default run's space
/// (<see cref="CaseFamily.ThreeLayer"/>, ReLU and leaky in turn, drawn from a fixed bench stream), trained, finished
/// and judged one after another on one thread as <see cref="TheoremChecks.JudgeDeepCase"/> does in a run.
/// </summary>
/// <param name="Cases">Cases drawn.</param>
/// <param name="Conclusive">Cases that reached <see cref="Rules.DeepGradient"/> on every layer.</param>
/// <param name="Seconds">Wall seconds for all of them.</param>
public sealed record DeepCaseCost(int Cases, int Conclusive, double Seconds)
{
    /// <summary>Conclusive / drawn.</summary>
    public double ConclusiveFraction => Cases == 0 ? double.NaN : Conclusive / (double)Cases;

    /// <summary>Wall seconds per conclusive case (NaN with none): what a claim's 16 conclusive cases cost, over 16.</summary>
    public double SecondsPerConclusiveCase => Conclusive == 0 ? double.NaN : Seconds / Conclusive;

    /// <summary>Wall seconds per case drawn.</summary>
    public double SecondsPerCase => Cases == 0 ? double.NaN : Seconds / Cases;

    /// <summary>Draws <paramref name="cases"/> cases and times them; <paramref name="runSeed"/> names the bench's stream.</summary>
    public static DeepCaseCost Measure(int cases, long runSeed = 2020)
    {
        if (cases < 1) throw new ArgumentOutOfRangeException(nameof(cases), cases, $"The deep cost needs at least one case; got {cases}.");
        var settings = new TheoremCheckSettings();
        var clock = Stopwatch.StartNew();
        var conclusive = 0;
        for (var i = 0; i < cases; i++)
        {
            var problem = CaseFamily.ThreeLayer.Space(i % 2 == 0 ? 0 : 0.1, false).Draw(runSeed, "bench-deep", i);
            if (TheoremChecks.JudgeDeepCase(problem, CaseFamily.ThreeLayer, settings).Verdict != Model.Claims.Verdict.Inconclusive) conclusive++;
        }
        return new DeepCaseCost(cases, conclusive, clock.Elapsed.TotalSeconds);
    }
}
