using static TorchSharp.torch;

namespace Verify.Properties.Foundation;

/// <summary>Weights of two-layer networks written by hand, node by node, for the tests that know what each node computes.</summary>
static class HandBuilt
{
    /// <summary>The input dimension of the hand-built pairs.</summary>
    public const int D = 3;

    /// <summary>Two teacher nodes (augmented: input weights, then the bias), orthogonal in their input weights.</summary>
    public static readonly double[] W0 = [1, 0, 0, 0.1];

    public static readonly double[] W1 = [0, 1, 0, -0.2];

    /// <summary>An augmented (d + 1, n) weight matrix from column vectors (input weights, then the bias).</summary>
    public static Tensor Columns(params double[][] columns)
    {
        var rows = columns[0].Length;
        var data = new double[rows * columns.Length];
        for (var r = 0; r < rows; r++)
            for (var k = 0; k < columns.Length; k++) data[r * columns.Length + k] = columns[k][r];
        return tensor(data, [rows, columns.Length], ScalarType.Float64);
    }

    /// <summary>Fan-out rows (one per node, each of the same number of outputs), then a zero output bias.</summary>
    public static Tensor FanOuts(params double[][] rows)
    {
        var outputs = rows[0].Length;
        return tensor(rows.SelectMany(r => r).Concat(new double[outputs]).ToArray(), [rows.Length + 1, outputs], ScalarType.Float64);
    }

    /// <summary>One output: a fan-out per node, then a zero output bias (its own name: a double[] of one node's outputs would bind to a params double[] overload).</summary>
    public static Tensor ScalarFanOuts(params double[] v) => FanOuts(v.Select(x => new[] { x }).ToArray());

    public static double[] Scaled(double[] w, double s) => w.Select(x => x * s).ToArray();
}
