using NUnit.Framework;
using Shouldly;
using Verify.Model.Evidence;
using Verify.Model.Experiments;

namespace Verify.Experiments.Training;

/// <summary>
/// Sweeps train runs together (<see cref="TwoLayerExperiment.RunBatched"/>, stacked by shape, the runs of one seed in one wide kernel): every
/// run's numbers equal those of the same run trained alone, to float64 round-off.
/// </summary>
[TestFixture]
public sealed class BatchedRunTest
{
    static TwoLayerConfig Small(long seed, double decay) => new()
    {
        D = 8, M = 3, Multi = 2, Decay = decay, Outputs = 5, Epochs = 3, ItersPerEpoch = 200, NTrain = 128, NEval = 64, Seed = seed, LearningRate = 0.05,
    };

    /// <summary>
    /// Round-off of 600 SGD steps computed by bmm instead of mm: observed differences are about
    /// 1e-14 relative; 1e-9 leaves room for the growth of round-off along a run, and a wrong batch
    /// or seed gives differences of order 1.
    /// </summary>
    const double RoundOff = 1e-9;

    [Test]
    public void RunsTrainedTogether_EqualRunsTrainedAlone()
    {
        TwoLayerConfig[] configs = [Small(1, 0), Small(2, 1), Small(3, 0.5) with { LearningRate = 0.02 }];
        var together = TwoLayerExperiment.RunBatched(configs);
        for (var i = 0; i < configs.Length; i++)
        {
            var alone = TwoLayerExperiment.Run(configs[i]);
            together[i].TrainLoss.ShouldBe(alone.TrainLoss, RoundOff * alone.TrainLoss, $"{configs[i]}: train loss");
            together[i].EvalLossPerEpoch.Zip(alone.EvalLossPerEpoch).ShouldAllBe(p => Math.Abs(p.First - p.Second) <= RoundOff * p.Second, $"{configs[i]}: eval loss per epoch");
            together[i].BestCorrPerTeacher.Zip(alone.BestCorrPerTeacher).ShouldAllBe(p => Math.Abs(p.First - p.Second) <= RoundOff, $"{configs[i]}: best correlation per teacher");
        }
    }

    [Test]
    public void AnotherSeed_IsNotMistakenForTheSameRun()
    {
        var together = TwoLayerExperiment.RunBatched([Small(1, 0), Small(2, 0)]);
        var otherSeed = TwoLayerExperiment.Run(Small(5, 0));
        Math.Abs(together[0].TrainLoss - otherSeed.TrainLoss).ShouldBeGreaterThan(RoundOff * otherSeed.TrainLoss);
    }

    [Test]
    public void RunsOfDifferentShapes_TrainTogether_EachAsAlone()
    {
        TwoLayerConfig[] configs = [Small(1, 0), Small(2, 0) with { Multi = 3 }];
        var together = TwoLayerExperiment.RunBatched(configs);
        for (var i = 0; i < configs.Length; i++)
            together[i].TrainLoss.ShouldBe(TwoLayerExperiment.Run(configs[i]).TrainLoss, RoundOff * together[i].TrainLoss, $"{configs[i]}: train loss");
    }
}
