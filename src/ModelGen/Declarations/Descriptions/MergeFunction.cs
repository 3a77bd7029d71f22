// Declarations/Descriptions: the merge operations a MergeDescription names.
namespace ModelGen
{
    /// <summary>The merge operations.</summary>
    public enum MergeFunction
    {
        /// <summary>The element-wise sum of the inputs.</summary>
        Add,

        /// <summary>The first input minus the second.</summary>
        Subtract,

        /// <summary>The element-wise product of the inputs.</summary>
        Multiply,

        /// <summary>The element-wise mean of the inputs: their sum, left to right, divided by their count.</summary>
        Average,

        /// <summary>The element-wise maximum, left to right (ties share the gradient equally).</summary>
        Maximum,

        /// <summary>The element-wise minimum, left to right (ties share the gradient equally).</summary>
        Minimum,

        /// <summary>The inputs one after the other along the first dimension (channels of an image, features of a vector).</summary>
        Concatenate,
    }
}
