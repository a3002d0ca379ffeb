namespace Verify.Model.Training;

/// <summary>
/// Numbers measured at the end of one epoch. With <see cref="SgdOptions.MeasureEveryEpoch"/> false,
/// the epochs before the last are not measured: their records (passed to the epoch callback, never
/// kept in the history) have <see cref="Measured"/> false and NaN loss and gradient.
/// </summary>
public sealed record EpochRecord(int Epoch, long Steps, double LearningRate, double TrainLoss, double MaxSampleGradient, bool Measured = true);
