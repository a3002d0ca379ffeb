using NUnit.Framework;
using Shouldly;
using TorchSharp;
using Verify.Model.Analysis;
using Verify.Model.Data;
using Verify.Model.Networks;
using Verify.Model.Training;
using Verify.TestSupport;
using Verify.Model.Runtime;
using static TorchSharp.torch;

namespace Verify.Properties.Foundation;

/// <summary>float32 is an option, not a different model; the learning-rate schedule is applied per epoch.</summary>
[TestFixture]
public sealed class PrecisionAndScheduleTest
{
    [Test]
    public void Float32Network_ComputesTheFloat64SignalToSinglePrecision([Values(1L, 2L)] long seed)
    {
        using var scope = NewDisposeScope();
        using var teacher64 = Teacher.Build(TeacherSpec.TwoLayer(8, 3, outputs: 4), Seeds.Of(seed, "teacher"));
        using var teacher32 = Teacher.Build(TeacherSpec.TwoLayer(8, 3, outputs: 4), Seeds.Of(seed, "teacher"), ScalarType.Float32);
        using var student64 = Student.OverRealized(teacher64, 2, Seeds.Of(seed, "student"), initStd: 0.3);
        using var student32 = student64.Clone(ScalarType.Float32);
        using var x = Inputs.Gaussian(64, 8, Seeds.Of(seed, "train-inputs"));

        teacher32.DType.ShouldBe(ScalarType.Float32);
        var g64 = LowestLayerSignal.ClosedForm(teacher64, student64, x);
        var g32 = LowestLayerSignal.ClosedForm(teacher32, student32, x.to(ScalarType.Float32));
        g32.dtype.ShouldBe(ScalarType.Float32);
        Numerics.RelativeError(g32, g64).ShouldBeLessThan(Tolerances.Float32Identity, $"seed {seed}");
    }

    [Test]
    public void TheScheduleDropsTheRateAtItsEpochs()
    {
        using var scope = NewDisposeScope();
        using var teacher = Teacher.Build(TeacherSpec.TwoLayer(6, 2, outputs: 3), 1);
        using var data = Dataset.Gaussian(teacher, 64, 2);
        using var student = Student.OverRealized(teacher, 2, 3, initStd: 0.1);
        var options = new SgdOptions { LearningRate = 0.2, Schedule = [(2, 0.1), (4, 0.05)], Epochs = 5, ItersPerEpoch = 10 };
        var result = SgdTrainer.Train(student, data, options, 4);
        result.History.Select(e => e.LearningRate).ShouldBe([0.2, 0.2, 0.1, 0.1, 0.05]);
    }
}
