using Verify.Model.Networks;
using static TorchSharp.torch;

namespace Verify.Model.Analysis;

/// <summary>
/// A two-layer teacher-student pair and its inputs as plain float64 arrays: what the measurements read
/// point by point (<see cref="Compensation"/>, <see cref="BoundaryJumps"/>).
/// </summary>
/// <param name="X">Inputs, (N, d).</param>
/// <param name="Teacher">The teacher's augmented weights, per layer.</param>
/// <param name="Student">The student's augmented weights, per layer.</param>
sealed record TwoLayerArrays(double[,] X, double[][,] Teacher, double[][,] Student)
{
    /// <summary>Refuses deeper pairs, naming <paramref name="measurement"/> and both networks.</summary>
    public static TwoLayerArrays Of(RectifiedNetwork teacher, RectifiedNetwork student, Tensor inputs, string measurement)
    {
        if (teacher.HiddenLayers != 1 || student.HiddenLayers != 1)
            throw new ArgumentException($"The {measurement} measured on two-layer networks; got {teacher} and {student}.");
        using var cpu = inputs.to(ScalarType.Float64, CPU);
        return new TwoLayerArrays(RectifiedNetwork.ToArray(cpu), teacher.WeightArrays(), student.WeightArrays());
    }
}
