using System.Globalization;
using Verify.Model.Training;

namespace Verify.Model.Evidence;

/// <summary>
/// One training run of the ladder: a teacher, N points of one kind, a student trained to the eps
/// gradient level; BestCosine is max_k cos(w_k, w*_j) per teacher node j (augmented lowest-layer vectors).
/// </summary>
public sealed record ScalingRun(int K, int D, int SeedIndex, long Seed, ScalingData Data, int Samples, double GradientLevel,
    TrainingOutcome Outcome, double MaxSampleGradient, long Steps, double[] BestCosine, double Seconds)
{
    public bool ReachedLevel => Outcome == TrainingOutcome.ReachedGradientTarget && MaxSampleGradient <= GradientLevel;

    /// <summary>Every teacher node has a student at cos &gt;= <paramref name="threshold"/>.</summary>
    public bool Specialized(double threshold) => BestCosine.All(c => c >= threshold);

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"K {K}, d {D}, seed {SeedIndex}, {Data} N {Samples}: gradient {MaxSampleGradient:G3} (level {GradientLevel:G3}, {Outcome}, {Steps} steps), best cos [{string.Join(", ", BestCosine.Select(x => x.ToString("0.####", CultureInfo.InvariantCulture)))}]");
}
