using NUnit.Framework;
using Shouldly;
using TorchSharp;
using Verify.Model.Data;
using Verify.Model.Networks;
using Verify.Model.Training;
using Verify.Model.Runtime;
using static TorchSharp.torch;

namespace Verify.Properties.Foundation;

/// <summary>The same seed gives bit-identical teachers, data, students and training runs; another seed does not.</summary>
[TestFixture]
public sealed class DeterminismTest
{
    static (double[][,] Weights, TrainingResult Result) Run(long seed)
    {
        using var scope = NewDisposeScope();
        using var teacher = Teacher.Build(TeacherSpec.TwoLayer(10, 3, decay: 1, outputs: 4), Seeds.Of(seed, "teacher"));
        using var data = Dataset.Gaussian(teacher, 256, Seeds.Of(seed, "train-inputs"));
        using var student = Student.OverRealized(teacher, 3, Seeds.Of(seed, "student"), initStd: 0.1);
        var result = SgdTrainer.Train(student, data, new SgdOptions { Epochs = 3, ItersPerEpoch = 50, LearningRate = 0.05 }, Seeds.Of(seed, "batches"));
        return (student.WeightArrays(), result);
    }

    [Test]
    public void SameSeed_GivesIdenticalResults()
    {
        var first = Run(11);
        var second = Run(11);
        second.Result.FinalTrainLoss.ShouldBe(first.Result.FinalTrainLoss);
        second.Result.MaxSampleGradient.ShouldBe(first.Result.MaxSampleGradient);
        for (var l = 0; l < first.Weights.Length; l++)
            second.Weights[l].Cast<double>().SequenceEqual(first.Weights[l].Cast<double>()).ShouldBeTrue($"layer {l + 1} weights differ between two runs with seed 11");
    }

    [Test]
    public void AnotherSeed_GivesDifferentResults()
    {
        Run(12).Result.FinalTrainLoss.ShouldNotBe(Run(11).Result.FinalTrainLoss);
    }
}
