package exec

import "vigil/internal/plan"

// renameFields compiles RenameFields into a permutation of the input
// columns: the source of each output column is known from the schema.
func (c *compiler) renameFields(n *plan.RenameFields) (operator, error) {
	in, err := c.node(n.Input)
	if err != nil {
		return nil, err
	}
	_, src, err := plan.RenameFieldsSchema(c.info.Schema(n.Input), n.Columns)
	if err != nil {
		return nil, err
	}
	return &permuteOp{input: in, idx: src}, nil
}
