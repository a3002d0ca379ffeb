using System.Runtime.Intrinsics;

namespace Verify.Model.Runtime;

/// <summary>
/// The direct path's one sum of squares, behind every loss 0.5 ||r||^2 it computes: the measured loss
/// (<see cref="HostMemory.HalfSumsOfSquares"/>) and the step loss of the residual pass
/// (<see cref="HostMemory.ResidualsFromTargets_"/>). It reads a matrix row by row: each row's elements
/// in blocks of eight, squared and added by fused multiply-adds into eight lanes (element j of a block
/// into lane j), the elements after a row's last whole block one by one into a scalar; at the end the
/// lanes are added pairwise, ((0 + 1) + (2 + 3)) + ((4 + 5) + (6 + 7)), and the scalar last.
/// </summary>
/// <remarks>
/// The order is fixed here, not left to the hardware: lane by lane, one 512-bit register gives the
/// same bits as two 256-bit halves or the runtime's software fallback, so a processor without
/// AVX-512 sums exactly as one with it (<c>SquareSumTest</c>). Another order than libtorch's norm and
/// TensorPrimitives.SumOfSquares, equal to them to round-off.
/// </remarks>
internal struct SquareSum
{
    Vector512<double> lanes;
    double tail;

    /// <summary>Adds the squares of eight consecutive elements of a row, element j into lane j.</summary>
    public void Add(Vector512<double> block) => lanes = Vector512.FusedMultiplyAdd(block, block, lanes);

    /// <summary>Adds the square of one element after a row's last whole block.</summary>
    public void Add(double element) => tail = Math.FusedMultiplyAdd(element, element, tail);

    /// <summary>Adds the squares of one row: its whole blocks of eight, then its last elements one by one.</summary>
    public unsafe void AddRow(double* row, int length)
    {
        var j = 0;
        for (; j + 8 <= length; j += 8) Add(Vector512.Load(row + j));
        for (; j < length; j++) Add(row[j]);
    }

    /// <summary>The sum: the lanes added pairwise, then the scalar.</summary>
    public readonly double Total =>
        ((lanes[0] + lanes[1]) + (lanes[2] + lanes[3])) + ((lanes[4] + lanes[5]) + (lanes[6] + lanes[7])) + tail;
}
