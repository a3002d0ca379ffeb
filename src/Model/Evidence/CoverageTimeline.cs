namespace Verify.Model.Evidence;

/// <summary>
/// One training run's coverage history, the evidence of claims 5 and 6. Teachers are in strength
/// order: teacher 1 has the largest fan-out when the teacher was drawn with decay p &gt; 0 (fan-out
/// row j divided by j^p). Covered means max_k rho_jk &gt; tau on the run's analysis inputs.
/// Produced by <c>Experiments.FirstCoverage</c> (small problems) and <see cref="SweepEvidence.Timelines"/>
/// (the paper's sweeps).
/// </summary>
/// <param name="Case">The run's configuration, for the evidence sentence.</param>
/// <param name="Series">Runs with one series key share teacher, data and budget and differ only in the student's width (claim 6 pairs them).</param>
/// <param name="Seed">The run seed: runs of one seed at different p share the teacher's grid draw (claim 5 resamples seeds).</param>
/// <param name="Decay">The teacher's strength decay p.</param>
/// <param name="Multi">Student width over teacher width.</param>
/// <param name="FirstCoveredEpoch">Per teacher, the first epoch (1-based) at which it was covered; null: never within the run.</param>
/// <param name="CoveredEarly">Per teacher, covered after <paramref name="EarlyEpoch"/>.</param>
/// <param name="CoveredAtEnd">Per teacher, covered at the end of the run.</param>
/// <param name="EarlyEpoch">The early epoch (5 of 100 in the paper's success-rate figure).</param>
/// <param name="EpochsRun">Epochs the run trained.</param>
/// <param name="TeacherFanOutNorms">||v*_j|| per teacher (reported: the strength ratio the decay produced).</param>
/// <param name="GradientAtFirstCover">Per teacher, max_x ||g_1(x)|| on the training set at its first covered epoch; null: never covered. The array is null where the run recorded none.</param>
/// <param name="LossAtFirstCover">Per teacher, the training loss on the paper's axis (mean squared error over samples and outputs) at its first covered epoch; null: never covered. The array is null where the run recorded none.</param>
/// <param name="FinalGradient">max_x ||g_1(x)|| on the training set at the end of the run (NaN where it was not measured).</param>
public sealed record CoverageTimeline(string Case, string Series, long Seed, double Decay, int Multi, int?[] FirstCoveredEpoch,
    bool[] CoveredEarly, bool[] CoveredAtEnd, int EarlyEpoch, int EpochsRun, double[] TeacherFanOutNorms,
    double?[]? GradientAtFirstCover = null, double?[]? LossAtFirstCover = null, double FinalGradient = double.NaN)
{
    /// <summary>First-covered epoch with "never" ranked after every epoch of the run (epochs run + 1).</summary>
    public double[] EpochOrNever => FirstCoveredEpoch.Select(e => (double)(e ?? EpochsRun + 1)).ToArray();

    /// <summary>Share of teachers covered after the early epoch.</summary>
    public double EarlyCoverage => CoveredEarly.Length == 0 ? double.NaN : CoveredEarly.Count(c => c) / (double)CoveredEarly.Length;

    /// <summary>Mean over teachers of <see cref="EpochOrNever"/>: fewer iterations to specialize is smaller.</summary>
    public double MeanFirstCoveredEpoch => EpochOrNever.DefaultIfEmpty(double.NaN).Average();

    /// <summary>
    /// The success-rate figure's strong-minus-weak drop of this run: the share of the strongest third
    /// of teachers covered minus the share of the weakest third, averaged over the early and the end
    /// reading (<see cref="SuccessCurve.Drop"/>).
    /// </summary>
    public double Drop => (SuccessCurve.Drop(Rates(CoveredEarly)) + SuccessCurve.Drop(Rates(CoveredAtEnd))) / 2;

    static double[] Rates(bool[] covered) => covered.Select(c => c ? 1.0 : 0.0).ToArray();
}
