using NUnit.Framework;
using Shouldly;
using TorchSharp;
using Verify.Model.Data;
using Verify.Model.Networks;
using Verify.Model.Training;
using static TorchSharp.torch;

namespace Verify.Properties.Reliability;

/// <summary>
/// Every public builder rejects impossible input with one message that names the problem and the
/// allowed range, before any tensor work (a native libtorch error would kill the process).
/// </summary>
[TestFixture]
public sealed class BadInputTest
{
    static void Rejects<TException>(Action build, params string[] mentions) where TException : Exception
    {
        var error = Should.Throw<TException>(build);
        foreach (var m in mentions) error.Message.ShouldContain(m, Case.Insensitive, $"message was: {error.Message}");
    }

    [Test]
    public void InputDimensionBelowOne() =>
        Rejects<ArgumentOutOfRangeException>(() => Teacher.Build(TeacherSpec.TwoLayer(0, 3), 1), "d must be >= 1", "got 0");

    [Test]
    public void TeacherWidthBelowOne() =>
        Rejects<ArgumentOutOfRangeException>(() => Teacher.Build(new TeacherSpec(5, [3, 0]), 1), "hidden layer 2", ">= 1", "got 0");

    [Test]
    public void NegativeStrengthDecay() =>
        Rejects<ArgumentOutOfRangeException>(() => Teacher.Build(TeacherSpec.TwoLayer(5, 3, decay: -1), 1), "decay", ">= 0", "got -1");

    [Test]
    public void UnknownActivation() =>
        Rejects<ArgumentException>(() => Activation.Parse("tanh"), "unknown activation 'tanh'", "relu", "leaky");

    [Test]
    public void LeakySlopeOutsideTheUnitInterval() =>
        Rejects<ArgumentOutOfRangeException>(() => Activation.LeakyRelu(1.5), "(0, 1)", "1.5");

    [Test]
    public void StudentWidthBelowOne()
    {
        using var teacher = Teacher.Build(TeacherSpec.TwoLayer(5, 3), 1);
        Rejects<ArgumentOutOfRangeException>(() => Student.WithWidths(teacher, [0], 1), "hidden layer 1", ">= 1", "got 0");
        Rejects<ArgumentOutOfRangeException>(() => Student.OverRealized(teacher, 0, 1), "multi", ">= 1", "got 0");
    }

    [Test]
    public void StudentNarrowerThanTeacher_WhereOverRealizationIsRequired()
    {
        using var teacher = Teacher.Build(TeacherSpec.TwoLayer(5, 3), 1);
        Rejects<ArgumentException>(() => Student.WithWidths(teacher, [2], 1, requireOverRealized: true), "narrower than the teacher's 3", "over-realized");
        using var narrow = Student.WithWidths(teacher, [2], 1);
        narrow.Widths[1].ShouldBe(2, "without the requirement an under-realized student is a legitimate negative control");
    }

    [Test]
    public void StudentOfAnotherDepth()
    {
        using var teacher = Teacher.Build(TeacherSpec.TwoLayer(5, 3), 1);
        Rejects<ArgumentException>(() => Student.WithWidths(teacher, [6, 6], 1), "1 hidden widths", "got 2");
    }

    [TestCase(double.NaN)]
    [TestCase(double.PositiveInfinity)]
    [TestCase(0.0)]
    [TestCase(-0.01)]
    public void LearningRateThatIsNotFiniteAndPositive(double rate)
    {
        using var teacher = Teacher.Build(TeacherSpec.TwoLayer(5, 3), 1);
        using var student = Student.OverRealized(teacher, 2, 2);
        using var data = Dataset.Gaussian(teacher, 32, 3);
        Rejects<ArgumentOutOfRangeException>(() => SgdTrainer.Train(student, data, new SgdOptions { LearningRate = rate }, 4), "learning rate must be finite and > 0");
    }

    [Test]
    public void BatchLargerThanTheDataset()
    {
        using var teacher = Teacher.Build(TeacherSpec.TwoLayer(5, 3), 1);
        using var student = Student.OverRealized(teacher, 2, 2);
        using var data = Dataset.Gaussian(teacher, 32, 3);
        Rejects<ArgumentOutOfRangeException>(() => SgdTrainer.Train(student, data, new SgdOptions { BatchSize = 33 }, 4), "batch size must lie in 1..32", "got 33");
    }

    [Test]
    public void NonFiniteInputs()
    {
        using var scope = NewDisposeScope();
        using var teacher = Teacher.Build(TeacherSpec.TwoLayer(2, 2), 1);
        var x = tensor(new double[,] { { 1, 2 }, { double.NaN, 0 } });
        Rejects<ArgumentException>(() => Dataset.Label(teacher, x), "non-finite");
    }

    [Test]
    public void InputsOfTheWrongWidth()
    {
        using var scope = NewDisposeScope();
        using var teacher = Teacher.Build(TeacherSpec.TwoLayer(3, 2), 1);
        Rejects<ArgumentException>(() => Dataset.Label(teacher, ones(4, 5, dtype: ScalarType.Float64)), "(N, 3)");
    }

    [Test]
    public void ATeacherTooWideForItsInputGrid() =>
        Rejects<ArgumentException>(() => Teacher.Build(TeacherSpec.TwoLayer(1, 2), 1), "non-co-linear", "too wide");
}
