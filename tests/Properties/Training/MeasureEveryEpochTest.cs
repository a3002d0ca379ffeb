using NUnit.Framework;
using Shouldly;
using TorchSharp;
using Verify.Model.Training;
using Verify.TestSupport;
using static TorchSharp.torch;

namespace Verify.Properties.Training;

/// <summary>
/// A run that measures the training set only after its last epoch (<see cref="SgdOptions.MeasureEveryEpoch"/>
/// false) trains exactly as one that measures every epoch: the same steps, end state and final
/// measurement; only the history is shorter, and the epoch callback still sees every epoch.
/// </summary>
[TestFixture]
public sealed class MeasureEveryEpochTest
{
    const int Epochs = 4;

    [Test]
    public void MeasuringOnlyTheLastEpoch_ChangesNothingButTheHistory()
    {
        var every = Run(measureEveryEpoch: true, seed: 31);
        var last = Run(measureEveryEpoch: false, seed: 31);

        every.Result.History.Count.ShouldBe(Epochs, "the default measures after every epoch");
        last.Result.History.Count.ShouldBe(1, "only the last epoch is measured");
        last.Result.History[0].ShouldBe(every.Result.History[^1]);
        last.Result.Steps.ShouldBe(every.Result.Steps);
        last.Result.Outcome.ShouldBe(every.Result.Outcome);
        last.Callbacks.ShouldBe(Enumerable.Range(1, Epochs).ToArray(), "the callback sees every epoch either way");
        last.Measured.ShouldBe([false, false, false, true]);
        last.FinalWeights.Zip(every.FinalWeights).ShouldAllBe(p => p.First.Cast<double>().SequenceEqual(p.Second.Cast<double>()), "the same end weights, bit for bit");
    }

    /// <summary>Negative control: the same comparison tells a run with another batch seed apart.</summary>
    [Test]
    public void AnotherSeed_IsToldApart()
    {
        var every = Run(measureEveryEpoch: true, seed: 31);
        var other = Run(measureEveryEpoch: false, seed: 32);
        other.Result.History[0].ShouldNotBe(every.Result.History[^1]);
    }

    [Test]
    public void AGradientTargetWithoutEveryEpochMeasured_IsRejected()
    {
        var options = new SgdOptions { GradientTarget = 1e-3, MeasureEveryEpoch = false };
        Should.Throw<ArgumentException>(() => options.Validate(100)).Message.ShouldContain("MeasureEveryEpoch = true");
    }

    static (TrainingResult Result, int[] Callbacks, bool[] Measured, double[][,] FinalWeights) Run(bool measureEveryEpoch, long seed)
    {
        using var scope = NewDisposeScope();
        using var pair = Pair.Build(d: 8, teacherWidths: [3], multi: 2, samples: 128, seed: 3);
        var seen = new List<EpochRecord>();
        var result = SgdTrainer.Train(pair.Student, pair.Data,
            new SgdOptions { LearningRate = 0.05, Epochs = Epochs, ItersPerEpoch = 50, MeasureEveryEpoch = measureEveryEpoch }, seed, seen.Add);
        return (result, seen.Select(r => r.Epoch).ToArray(), seen.Select(r => r.Measured).ToArray(), pair.Student.WeightArrays());
    }
}
