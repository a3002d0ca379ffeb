namespace Verify.Cli.Report;

/// <summary>
/// A line of runs.jsonl: one of three kinds of run (<see cref="RunsJsonl"/>), each with its run id
/// and experiment first. An interface, not a base record: the serializer writes a base type's
/// properties after the derived type's, and the file's field order is fixed.
/// </summary>
public interface IRunsJsonlLine
{
    string RunId { get; }

    string Experiment { get; }
}

/// <summary>A two-layer run in runs.jsonl: configuration, results, per-node arrays (teachers in strength order) and per-epoch curves (epochs 1..E).</summary>
public sealed record TwoLayerLine(
    string RunId, string Experiment, long Seed, int D, int M, int Multi, int N, double Decay, string Activation,
    int Epochs, int ItersPerEpoch, int Batch, double Lr, int NTrain, int NEval,
    string Outcome, long? DivergedAtStep, double? LastFiniteLoss, double TrainLoss, double EvalLoss,
    double[] BestCorrPerTeacher, int?[] FirstCoveredEpoch, double?[]? GradAtFirstCover, double?[]? LossAtFirstCover,
    double Tau, int EarlyEpoch, double[] BestCorrPerTeacherEarly, double[] BestCorrPerStudent, double[] StudentFanoutNorm, double[] TeacherFanoutNorm,
    double MaxSampleGrad, double[] EvalLossPerEpoch, double[] CoveragePerEpoch, double Seconds) : IRunsJsonlLine;

/// <summary>A run of the paper's multi-layer set-up in runs.jsonl: per layer (lowest first) the mean best correlation.</summary>
public sealed record MultiLayerLine(
    string RunId, string Experiment, long Seed, int D, IReadOnlyList<int> TeacherWidths, int Multi, int Outputs, int Epochs, int ItersPerEpoch,
    int Batch, double Lr, int NTrain, int NEval, string Outcome, double TrainLoss, double[] MeanBestCorrPerLayer, double Seconds) : IRunsJsonlLine;

/// <summary>A run of the authors' multi-layer protocol in runs.jsonl; <c>lr</c> maps the first epoch of each rate to the rate.</summary>
public sealed record AuthorsMultiLayerLine(
    string RunId, string Experiment, long Seed, int D, IReadOnlyList<int> Ks, int NodeMulti, double DataStd, int NTrain, int NEval, int Batch, int Epochs,
    IReadOnlyDictionary<string, double> Lr, double LrStepFactor, int Outputs, string Outcome,
    double? LossRatio, double StallFraction, long? DivergedAtStep, double? LastFiniteLoss, long Steps,
    double?[] MeanBestCorrPerLayer, double Tau, double?[]? FracAboveTauPerLayer, double?[][] BestCorrPerTeacherNode,
    double? TrainLossInitial, double? TrainLoss, double? EvalLossInitial, double? EvalLoss,
    double?[][] MeanBestCorrPerLayerPerEpoch, double?[] TrainLossPerEpoch, double?[] EvalLossPerEpoch, double Seconds) : IRunsJsonlLine;
