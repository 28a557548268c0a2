import { LABEL_ADDRESS_FIELDS } from '../../labels/label-address.js';
import type { LabelAddress } from '../../labels/types.js';
import { missingParam } from '../errors.js';
import type { Params } from '../params.js';
import { field } from '../xml.js';
import type { Operation } from './operation.js';

function address(params: Params): LabelAddress {
  const result: LabelAddress = {};
  for (const name of LABEL_ADDRESS_FIELDS) {
    const value = params.optionalString(name);
    if (value !== undefined) result[name] = value;
  }
  return result;
}

/**
 * GetShippingLabel: jobIds (required; `jobIds.member.N` or comma-separated) and the return address
 * (lower-camel names as in the model). Codes: the ShippingLabels port's (InvalidJobIdException,
 * InvalidAddressException, ...), MissingParameterException.
 */
export const getShippingLabel: Operation = {
  name: 'GetShippingLabel',
  async run({ caller, params, labels, baseUrl }) {
    const jobIds = params.stringList('jobIds');
    if (jobIds.length === 0) throw missingParam('jobIds');
    const label = await labels.issue({ caller, jobIds, address: address(params) }, baseUrl);
    return field('ShippingLabelURL', label.url) + field('Warning', label.warning);
  },
};
